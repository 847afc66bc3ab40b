import { Client, Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { createReadOnlyRole } from '@vanguard/event-store';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { MassEvaluationBallotBoxOwnerOnly1764730000002 } from '../src/infrastructure/migrations/mass-evaluation.migrations';

const AUDITOR = 'vg_evaluation_auditor_test';

/** ADR 0027: nobody but the service role reads the ballot box, whose rows keep cast order until close. */
describe('ballot box readers (integration)', () => {
  const adminUrl = infraConfig().testDatabaseUrl;
  let admin: Pool;
  const asAuditor = async <T>(run: (c: Client) => Promise<T>): Promise<T> => {
    const url = new URL(adminUrl);
    url.username = AUDITOR;
    url.password = 'auditor-test';
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return await run(c);
    } finally {
      await c.end();
    }
  };
  const refusal = (c: Client, table: string) =>
    c.query(`select count(*) from evaluation.${table}`).then(
      () => 'read',
      (e: { code?: string }) => e.code,
    );

  beforeAll(async () => {
    admin = new Pool({ connectionString: adminUrl, max: 1 });
    await createReadOnlyRole(admin, { schema: 'evaluation', role: AUDITOR, password: 'auditor-test' });
  });
  afterAll(async () => {
    await admin?.end();
  });

  it('refuses the auditor’s read-only role on the ballot and code tables, even after a broad grant, and still lets it read events', async () => {
    // What a DBA might run for an auditor; the migration takes it back.
    await admin.query(`grant select on all tables in schema evaluation to ${AUDITOR}`);
    const service = new Client({ connectionString: serviceDatabaseUrl('evaluation', adminUrl) });
    await service.connect();
    try {
      await service.query('set search_path = evaluation');
      await new MassEvaluationBallotBoxOwnerOnly1764730000002().up({
        query: (sql: string) => service.query(sql),
      } as unknown as QueryRunner);
    } finally {
      await service.end();
    }
    await asAuditor(async (c) => {
      expect(await refusal(c, 'mass_evaluation_ballot')).toBe('42501');
      expect(await refusal(c, 'mass_evaluation_code')).toBe('42501');
      expect(await refusal(c, 'events')).toBe('read');
    });
    await admin.query(`revoke all on all tables in schema evaluation from ${AUDITOR}`);
  });
});

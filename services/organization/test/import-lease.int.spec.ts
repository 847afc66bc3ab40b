import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { csvLine } from '@vanguard/spreadsheet';
import { demoOrgId } from '@vanguard/infra-config';
import type { TestSchema } from '@vanguard/testing';
import type { Actor } from '../src/application/ports/actor';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { PgRosterImports } from '../src/infrastructure/roster/pg-roster-imports';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode } from './support/organization-test-app';
import { withImportFile } from './support/roster-fixtures';

const ORGANIZER: Actor = { sub: randomUUID(), username: 'lease-int', roles: ['organizer'], orgId: demoOrgId('910425'), kind: 'user' };

// One import per user at a time (the lease): a user who sees the job finished and starts the next
// at once must not be refused 429 because the first still held its lease while letting go of its
// file and lock. Seen as a failure of roster-id-number-oracle.e2e on a clean-clone run.
describe(`${PgRosterImports.name}: the lease is back once the job reads as finished`, () => {
  let org: TestSchema;
  let ds: DataSource;
  const key = { id: 'd0', key: randomBytes(32) };
  const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('org_import_lease');
    ds = new DataSource({ type: 'postgres', url: org.url, schema: org.schema });
    await ds.initialize();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await ds?.destroy();
    await org?.drop();
  });

  it.each(['dry run', 'import', 'refused file'] as const)('%s: when the job first reads as finished, its lease is back', async (kind) => {
    const imports = new PgRosterImports(ds, cipher, new SystemClock());
    let released = false;
    const lease = { signal: new AbortController().signal, release: () => void (released = true) };
    // What a poller reads at the first moment the job's clean-up starts (its lock let go on the job's own client).
    let seenAtCleanUp: { status: string; released: boolean } | undefined;
    const pool = (ds.driver as unknown as { master: Pool }).master;
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<PoolClient>;
    jest.spyOn(pool, 'connect').mockImplementation((async (...args: unknown[]) => {
      if (args.length) return connect(...args);
      const client = await connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      client.query = (async (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].includes('pg_advisory_unlock') && !seenAtCleanUp) {
          const [id] = args[1] as [string];
          const job = await imports.find(id);
          seenAtCleanUp = { status: String(job?.status), released };
        }
        return query(...args);
      }) as unknown as PoolClient['query'];
      return client;
    }) as never);
    const header = csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']);
    const row = csvLine([childCode('910425101'), '租约村', 'village', 'branch', 'rural', '910425101', '2001-01-01', 'false']);
    const csv = kind === 'refused file' ? `${header}${'"'.repeat(3)}\n` : `${header}${row}`;

    const job = await withImportFile('organizations.csv', csv, (file) =>
      imports.runToEnd({
        actor: ORGANIZER,
        correlationId: randomUUID(),
        kind: 'organizations',
        format: 'csv',
        dryRun: kind === 'dry run',
        file,
        lease,
      }),
    );

    expect(job.status).not.toMatch(/^(queued|running)$/);
    expect(seenAtCleanUp).toEqual({ status: job.status, released: true });
  });
});

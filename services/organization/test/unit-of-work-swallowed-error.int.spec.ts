import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { csvLine } from '@vanguard/spreadsheet';
import { demoOrgId } from '@vanguard/infra-config';
import { CommitRolledBackError } from '@vanguard/messaging';
import type { TestSchema } from '@vanguard/testing';
import { RegisterOrganizationCommand } from '../src/application/commands/register-organization/register-organization.command';
import { RegisterOrganizationHandler } from '../src/application/commands/register-organization/register-organization.handler';
import type { Actor } from '../src/application/ports/actor';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from '../src/application/ports/organization.repository.port';
import { Organization } from '../src/domain/organization/organization.aggregate';
import { OrganizationCodeTakenError } from '../src/domain/organization/organization.errors';
import { TypeOrmUnitOfWork } from '../src/infrastructure/persistence/typeorm-unit-of-work';
import { PgRosterImports } from '../src/infrastructure/roster/pg-roster-imports';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { aroundImportClientQueries, importStore, withImportFile } from './support/roster-fixtures';

const BAIHUA = demoOrgId('910425101');
const ORGANIZER: Actor = { sub: randomUUID(), username: 'uow-int', roles: ['organizer'], orgId: demoOrgId('910425'), kind: 'user' };

// A statement that fails inside a unit of work aborts it in Postgres, and COMMIT then answers
// ROLLBACK without raising. The repository turns a unique violation into a domain error; a
// caller that takes that error for an answer and goes on must not see the command reported done.
describe(`${TypeOrmUnitOfWork.name} (a statement error caught inside the transaction)`, () => {
  let org: TestSchema;
  let sut: INestApplication;

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('org_uow_swallowed');
    sut = await createOrganizationTestApp({ databaseUrl: org.url, schema: org.schema });
  });

  afterAll(async () => {
    await sut?.close();
    await org?.drop();
  });

  const village = (code: string, name: string) => ({
    code,
    name,
    level: 'village' as const,
    kind: 'branch' as const,
    sector: 'rural' as const,
    parentId: BAIHUA,
    establishedOn: '2011-01-01',
    temporary: false,
  });

  it('fails the command, and neither its organisation nor its event is stored', async () => {
    const uow = sut.get(TypeOrmUnitOfWork);
    const organizations = sut.get<OrganizationRepository>(ORGANIZATION_REPOSITORY);
    const taken = childCode('910425101');
    let registered: string | undefined;

    const run = uow.run(async () => {
      const { id } = await sut
        .get(RegisterOrganizationHandler)
        .execute(new RegisterOrganizationCommand({ actor: ORGANIZER, correlationId: randomUUID() }, village(taken, '先登记的村')));
      registered = id;
      // The same code again, past the command's own check: the insert fails on organizations_code_key.
      const parent = await organizations.findById(BAIHUA);
      const twin = Organization.register(
        { ...village(taken, '同码的村'), id: randomUUID() },
        parent,
        new Date().toISOString().slice(0, 10),
      );
      await organizations.save(twin).catch((e: unknown) => {
        if (!(e instanceof OrganizationCodeTakenError)) throw e;
      });
      return id;
    });

    await expect(run).rejects.toThrow(CommitRolledBackError);
    expect(registered).toBeDefined();
    const stored = await org.pool.query(`select 1 from organizations where id = $1 or code = $2`, [registered, taken]);
    expect(stored.rowCount).toBe(0);
    const outbox = await org.pool.query(`select 1 from vanguard_outbox where stream_id = $1`, [`organization-${registered}`]);
    expect(outbox.rowCount).toBe(0);
  });

  it('still commits a command whose statements all succeeded', async () => {
    const code = childCode('910425101');
    const { id } = await sut
      .get(RegisterOrganizationHandler)
      .execute(new RegisterOrganizationCommand({ actor: ORGANIZER, correlationId: randomUUID() }, village(code, '正常登记的村')));
    const stored = await org.pool.query(`select 1 from organizations where id = $1`, [id]);
    expect(stored.rowCount).toBe(1);
    const outbox = await org.pool.query(`select 1 from vanguard_outbox where stream_id = $1`, [`organization-${id}`]);
    expect(outbox.rowCount).toBe(1);
  });
});

// The roster import runs its one transaction on a pg client of its own. Nothing in it catches a
// statement error today; should anything ever do so, the job must not say "imported".
describe(`${PgRosterImports.name} (a statement error caught inside the import's transaction)`, () => {
  const store = importStore('org_import_swallowed');

  it('fails the job, and neither its organisations nor their events are stored', async () => {
    // The hook: right before COMMIT, a statement fails on the import's client and is caught.
    aroundImportClientQueries((store.ds.driver as unknown as { master: Pool }).master, (query, args) =>
      args[0] === 'commit'
        ? query('select 1 / 0').then(
            () => query(...args),
            () => query(...args),
          )
        : query(...args),
    );
    const codes = [childCode('910425101', 2), childCode('910425101', 3)];
    const csv = [
      csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']),
      ...codes.map((code) => csvLine([code, `导入村${code}`, 'village', 'branch', 'rural', '910425101', '2001-01-01', 'false'])),
    ].join('');
    const correlationId = randomUUID();

    const job = await withImportFile('organizations.csv', csv, (file) =>
      new PgRosterImports(store.ds, store.cipher, new SystemClock()).runToEnd({
        actor: ORGANIZER,
        correlationId,
        kind: 'organizations',
        format: 'csv',
        dryRun: false,
        file,
      }),
    );

    expect(job).toMatchObject({ status: 'failed', rowsImported: 0 });
    expect((await store.org.pool.query(`select 1 from organizations where code = any($1::text[])`, [codes])).rowCount).toBe(0);
    expect(
      (await store.org.pool.query(`select 1 from vanguard_outbox where envelope->>'correlationId' = $1`, [correlationId])).rowCount,
    ).toBe(0);
  });
});

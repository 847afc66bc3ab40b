import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { demoOrgId } from '@vanguard/infra-config';
import type { TestSchema } from '@vanguard/testing';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { csvLine } from '@vanguard/spreadsheet';
import { PgRosterImports } from '../src/infrastructure/roster/pg-roster-imports';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyOrganizations } from '../src/infrastructure/seed/synthetic-region';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { withImportFile } from './support/roster-fixtures';

// docs/events/CHANGELOG.md tells integrators to read `orgId` in organisation events v1 (ADR 0012):
// every write path has to publish it, not only the command handlers' outbox mapper.
describe('organisation events v1 in the outbox carry orgId beside organizationId', () => {
  let db: TestSchema;
  let ds: DataSource;
  // Organisation rows hold no personal data: a throwaway key ring is enough.
  const key = { id: 'd0', key: randomBytes(32) };
  const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_alias');
    ds = new DataSource({ type: 'postgres', url: db.url, schema: db.schema });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db.drop();
  });

  const organisationRows = async (correlation: string) =>
    (
      await db.pool.query<{ type: string; data: Record<string, unknown> }>(
        `select event_type as type, envelope->'data' as data from vanguard_outbox
          where event_type like 'organization.Organization%' and event_version = 1 and envelope->>'correlationId' like $1`,
        [correlation],
      )
    ).rows;

  it('WhenSeeding_EveryRowHasOrgIdEqualToOrganizationId', async () => {
    const sut = new BulkSeeder(db.pool, cipher);

    await sut.organizations(countyOrganizations(SONGLING));

    const rows = await organisationRows('seed-%');
    expect(rows.length).toBeGreaterThan(500);
    expect(rows.filter((r) => r.data['orgId'] !== r.data['organizationId'])).toEqual([]);
  });

  it('WhenImportingOrganisations_EveryRowHasOrgIdEqualToOrganizationId', async () => {
    const sut = new PgRosterImports(ds, cipher, new SystemClock());
    const csv = [
      csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']),
      csvLine(['91042510177', '别名测试总支', 'village', 'general_branch', 'rural', '910425101', '2001-01-01', 'false']),
      csvLine(['9104251017701', '别名测试支部', 'village', 'branch', 'rural', '91042510177', '2002-01-01', 'false']),
    ].join('');

    const job = await withImportFile('organizations.csv', csv, (file) =>
      sut.runToEnd({
        actor: { sub: 'alias-test', username: 'county.organizer', roles: ['organizer'], orgId: demoOrgId('910425'), kind: 'user' },
        correlationId: 'alias-import',
        kind: 'organizations',
        format: 'csv',
        dryRun: false,
        file,
      }),
    );

    expect(job).toMatchObject({ status: 'succeeded', rowsImported: 2 });
    const rows = await organisationRows('alias-import');
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => typeof r.data['orgId'] !== 'string' || r.data['orgId'] !== r.data['organizationId'])).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import type { TestSchema } from '@vanguard/testing';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { READ_NOTED_SQL } from '../src/infrastructure/roster-state/roster-state.sql';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations } from '../src/infrastructure/seed/synthetic-region';
import { isolatedOrganizationSchema } from './support/isolated-schema';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every table the plan reads with a sequential scan. */
function scannedTables(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scannedTables)];
}

// The roster-state publisher reads each batch's rows by primary key (roster-state.sql.ts). When
// the planner flattened the lookups, every batch scanned the whole members table: a cost that
// grows with the roster, paid at every enrolment's batch. Checked on the plans Postgres picks.
describe('roster state read plan', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_state_plan');
    const key = { id: 'd0', key: randomBytes(32) };
    const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });
    const county = { ...SONGLING, organizations: 800, members: 3_000 };
    const orgs = countyOrganizations(county);
    const seeder = new BulkSeeder(db.pool, cipher);
    await seeder.organizations(orgs);
    await seeder.members(countyMembers(county, orgs), county.members);
    // Keep the seeding's notes but a batch's worth: the steady state, a few notes against a large roster.
    await db.pool.query(
      `delete from roster_state_changes where seq not in (select seq from roster_state_changes order by seq desc limit 150)`,
    );
    await db.pool.query(`analyze`);
  }, 240_000);
  afterAll(async () => {
    await db?.drop();
  });

  async function plan(sql: string, values: unknown[] = []): Promise<PlanNode> {
    const { rows } = await db.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`explain (format json) ${sql}`, values);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  }

  it.each([2_000, 20])('looks rows up by key in a batch of up to %i notes, never scanning members or organisations', async (limit) => {
    const tables = scannedTables(await plan(READ_NOTED_SQL, [limit, []]));
    expect(tables).not.toContain('members');
    expect(tables).not.toContain('organizations');
  });

  it('keeps the keyed lookups in the generic plan the prepared statement switches to', async () => {
    const client = await db.pool.connect();
    try {
      await client.query(`prepare roster_read (int, bigint[]) as ${READ_NOTED_SQL.replace('$2::bigint[]', '$2')}`);
      await client.query(`set plan_cache_mode = force_generic_plan`);
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `explain (format json) execute roster_read(2000, '{}')`,
      );
      const tables = scannedTables(rows[0]!['QUERY PLAN'][0]!.Plan);
      expect(tables).not.toContain('members');
      expect(tables).not.toContain('organizations');
    } finally {
      await client.query(`deallocate all; reset plan_cache_mode`).catch(() => undefined);
      client.release();
    }
  });
});

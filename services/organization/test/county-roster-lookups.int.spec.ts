import { randomUUID } from 'node:crypto';
import { demoOrgId } from '@vanguard/infra-config';
import type { TestSchema } from '@vanguard/testing';
import { PgCountyRosterStore } from '../src/infrastructure/county/pg-county-roster.store';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const HONGSHI = demoOrgId('910425101201');
const COUNTY = 'county-songling';
const LINKED = 30_000;

// ADR 0133: a roster batch finds its county ids' links by their primary key, whatever the
// roster holds: joined, the planner hashed every link (and member) for each batch once they
// numbered tens of thousands.
describe('PgCountyRosterStore.load against a large roster (real Postgres)', () => {
  let db: TestSchema;
  const countyIds: string[] = [];
  const memberIds: string[] = [];

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('county_roster_lookups');
    for (let i = 0; i < LINKED; i++) {
      countyIds.push(randomUUID());
      memberIds.push(randomUUID());
    }
    for (let from = 0; from < LINKED; from += 5_000) {
      const members = memberIds.slice(from, from + 5_000);
      await db.pool.query(
        `insert into members (id, org_id, name, status, joined_on) select m, $2, '张三', 'full', '2020-07-01' from unnest($1::uuid[]) as m`,
        [members, HONGSHI],
      );
      await db.pool.query(
        `insert into county_member_links (county_client_id, county_member_id, member_id, org_id)
         select $1, c, m, $4 from unnest($2::uuid[], $3::uuid[]) as x(c, m)`,
        [COUNTY, countyIds.slice(from, from + 5_000), members, HONGSHI],
      );
    }
    await db.pool.query('analyze members, county_member_links');
  });
  afterAll(() => db?.drop());

  it('load_ABatchOf500_FindsEachLinkByKey_WithoutScanningTheLinks', async () => {
    // 250 county ids already linked (one of them twice), 250 new.
    const known = countyIds.slice(0, 250);
    const keys = [...known, known[0]!, ...Array.from({ length: 250 }, () => randomUUID())].map((countyMemberId) => ({
      countyClientId: COUNTY,
      countyMemberId,
    }));
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      // Postgres's default planner costs, whatever the server's.
      for (const setting of [
        'random_page_cost',
        'seq_page_cost',
        'cpu_tuple_cost',
        'cpu_index_tuple_cost',
        'cpu_operator_cost',
        'work_mem',
      ])
        await c.query(`set local ${setting} to default`);
      // This backend's counts not yet reported, earlier statements' among them: the difference is load's.
      const linkScans = async () =>
        Number(
          (
            await c.query<{ n: string }>(
              `select seq_scan as n from pg_stat_xact_user_tables where schemaname = $1 and relname = 'county_member_links'`,
              [db.schema],
            )
          ).rows[0]!.n,
        );
      const before = await linkScans();
      const snapshot = await new PgCountyRosterStore(new SystemClock()).load(c, keys, [HONGSHI], false);
      const scanned = (await linkScans()) - before;
      await c.query('commit');

      expect(scanned).toBe(0);
      expect(snapshot.linked.size).toBe(250);
      const first = [...snapshot.linked.entries()].find(([k]) => k.endsWith(known[0]!));
      expect(first?.[1]).toMatchObject({ id: memberIds[0], orgId: HONGSHI });
      expect(snapshot.claimable.size).toBe(0);
    } finally {
      c.release();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { demoOrgId } from '@vanguard/infra-config';
import { useBuiltInPlannerSettings, type TestSchema } from '@vanguard/testing';
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
  const received = randomUUID();

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
    // A member no county links: one the county received by transfer names by its platform id.
    await db.pool.query(`insert into members (id, org_id, name, status, joined_on) values ($1, $2, '李四', 'full', '2019-07-01')`, [
      received,
      HONGSHI,
    ]);
    await db.pool.query('analyze members, county_member_links');
  });
  afterAll(() => db?.drop());

  it('load_ABatchOfLinkedNewAndReceivedIds_FindsEachByKey_WithoutScanningLinksOrMembers', async () => {
    // 250 county ids already linked (one of them twice, as a resend), 250 new, and a received member's platform id.
    const known = countyIds.slice(0, 250);
    const keys = [...known, known[0]!, ...Array.from({ length: 250 }, () => randomUUID()), received].map((countyMemberId) => ({
      countyClientId: COUNTY,
      countyMemberId,
    }));
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      // Postgres's built-in planner settings, whatever the server's: with a lower random_page_cost the old join, too, probes by key.
      await useBuiltInPlannerSettings(c);
      // This backend's counts not yet reported, earlier statements' among them: the difference is load's.
      const scans = async () =>
        (
          await c.query<{ seq_scan: string }>(
            `select seq_scan from pg_stat_xact_user_tables where schemaname = $1 and relname in ('county_member_links', 'members') order by relname`,
            [db.schema],
          )
        ).rows.map((r) => Number(r.seq_scan));
      const before = await scans();
      const snapshot = await new PgCountyRosterStore(new SystemClock()).load(c, keys, [HONGSHI], false);
      const after = await scans();
      await c.query('commit');

      expect(after.map((n, i) => n - before[i]!)).toEqual([0, 0]);
      expect(snapshot.linked.size).toBe(250);
      const first = [...snapshot.linked.entries()].find(([k]) => k.endsWith(known[0]!));
      expect(first?.[1]).toMatchObject({ id: memberIds[0], orgId: HONGSHI });
      expect([...snapshot.claimable.keys()]).toEqual([received]);
      expect(snapshot.claimable.get(received)).toMatchObject({ state: { id: received, orgId: HONGSHI } });
      expect(snapshot.claimable.get(received)?.link).toBeUndefined();
    } finally {
      c.release();
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { createTestSchema, seededRandom, type TestSchema } from '@vanguard/testing';
import { ReportingGrassroots1766700000160 } from '../src/infrastructure/migrations/grassroots';
import { inMigrationTransaction, migrateReporting } from './support/reporting-events';
import { totalsDrift } from './support/totals-drift';

// Migration 1766700000160 (ADR 0160): 基层党组织 counts neither the province's, a city's nor a
// county's committee. Rows from before it have no kind and are judged by their level; the totals'
// trigger then keeps the count through every later state (seeded: REPORTING_GRASSROOTS_SEED
// replays one), checked against a count taken from the rows alone; taken back, every active
// organisation counts again.
describe(ReportingGrassroots1766700000160.name, () => {
  let db: TestSchema;
  const sut = new ReportingGrassroots1766700000160();
  const [province, county, township, village, dissolved] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const inTransaction = (step: (q: QueryRunner) => Promise<void>) => inMigrationTransaction(db.pool, step);
  const roster = async (org: string) => {
    const { rows } = await db.pool.query<{ organizations: string; contact_points: string; contact_orgs: string }>(
      `select coalesce(sum(organizations), 0) as organizations, coalesce(sum(contact_points), 0) as contact_points,
              coalesce(sum(contact_orgs), 0) as contact_orgs from rpt_roster_total where anc_id = $1`,
      [org],
    );
    return {
      organizations: Number(rows[0]!.organizations),
      contactPoints: Number(rows[0]!.contact_points),
      contactOrgs: Number(rows[0]!.contact_orgs),
    };
  };

  beforeAll(async () => {
    db = await createTestSchema('reporting_grassroots');
    await migrateReporting(db.pool);
    await inTransaction((q) => sut.down(q));
    // As a deployment holds them before the migration: no kind.
    const org = (id: string, path: string[], level: string, status: string, contactPoints: number) => [
      id,
      path.at(-2) ?? null,
      `{${path.join(',')}}`,
      level,
      status,
      contactPoints,
    ];
    const rows = [
      org(province, [province], 'province', 'active', 0),
      org(county, [province, county], 'county', 'active', 1),
      org(township, [province, county, township], 'township', 'active', 0),
      org(village, [province, county, township, village], 'village', 'active', 2),
      org(dissolved, [province, county, township, dissolved], 'village', 'dissolved', 0),
    ];
    await db.pool.query(
      `insert into rpt_org (id, parent_id, path, code, name, level, status, merged_into_id, contact_points, version, event_id, occurred_at)
       select id, parent_id, path::uuid[], id::text, id::text, level, status, null, contact_points, 1, gen_random_uuid(), now()
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::integer[]) as s(id, parent_id, path, level, status, contact_points)`,
      [0, 1, 2, 3, 4, 5].map((k) => rows.map((r) => r[k])),
    );
  });
  afterAll(() => db?.drop());

  it('up_CountsNoLocalCommittee_RowsWithoutKindByTheirLevel_TotalsKeptThroughLaterStates; down_CountsEveryActiveOrganisationAgain', async () => {
    expect(await roster(province)).toEqual({ organizations: 4, contactPoints: 3, contactOrgs: 2 });

    await inTransaction((q) => sut.up(q));
    // No kind yet: judged by the level until a rebuild reads it.
    const { rows: kinds } = await db.pool.query<{ id: string; kind: string | null; grassroots: boolean }>(
      `select id, kind, grassroots from rpt_org`,
    );
    expect(new Map(kinds.map((k) => [k.id, [k.kind, k.grassroots]]))).toEqual(
      new Map([
        [province, [null, false]],
        [county, [null, false]],
        [township, [null, true]],
        [village, [null, true]],
        [dissolved, [null, true]],
      ]),
    );
    // The township and the village; the county's contact point still counts, and the county with it.
    expect(await roster(province)).toEqual({ organizations: 2, contactPoints: 3, contactOrgs: 2 });
    expect(await roster(county)).toEqual({ organizations: 2, contactPoints: 3, contactOrgs: 2 });
    expect(await totalsDrift(db.pool)).toEqual([]);

    // Later states through the trigger, at random: kind (none, as the code before it writes), level
    // and status change, leaves move to another parent, organisations arrive and are purged.
    const seed = Number(process.env['REPORTING_GRASSROOTS_SEED'] ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const kind = () => pick(['committee', 'general_branch', 'branch', null]);
    const level = () => pick(['county', 'township', 'village']);
    const tree = [county, township, village, dissolved];
    const leaves: string[] = [];
    for (let i = 0; i < 60; i++) {
      const roll = random();
      if (roll < 0.25 || leaves.length === 0) {
        const id = randomUUID();
        await db.pool.query(
          `insert into rpt_org (id, parent_id, path, code, name, level, kind, status, merged_into_id, contact_points, version, event_id, occurred_at)
           select $1, p.id, p.path || $1::uuid, $1::text, $1::text, $2, $3, 'active', null, $4, 1, gen_random_uuid(), now() from rpt_org p where p.id = $5`,
          [id, level(), kind(), pick([0, 1]), pick(tree)],
        );
        leaves.push(id);
      } else if (roll < 0.4) {
        // A leaf moves under another organisation (its path changes, nothing below it).
        await db.pool.query(
          `update rpt_org o set parent_id = p.id, path = p.path || o.id, version = o.version + 1 from rpt_org p where o.id = $1 and p.id = $2`,
          [pick(leaves), pick(tree)],
        );
      } else if (roll < 0.5) {
        const gone = leaves.splice(Math.floor(random() * leaves.length), 1)[0]!;
        await db.pool.query(`delete from rpt_org where id = $1`, [gone]);
      } else {
        await db.pool.query(
          `update rpt_org set kind = $2, level = $3, status = $4, contact_points = $5, version = version + 1 where id = $1`,
          [pick([...tree, ...leaves]), kind(), level(), pick(['active', 'active', 'dissolved']), pick([0, 0, 2])],
        );
      }
      expect([`seed ${seed}, step ${i}`, await totalsDrift(db.pool)]).toEqual([`seed ${seed}, step ${i}`, []]);
    }

    await inTransaction((q) => sut.down(q));
    const { rows: active } = await db.pool.query<{ n: string }>(`select count(*) as n from rpt_org where status = 'active'`);
    expect((await roster(province)).organizations).toBe(Number(active[0]!.n));
  });
});

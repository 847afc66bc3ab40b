import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { ReportingGrassroots1766700000160 } from '../src/infrastructure/migrations/grassroots';
import { migrateReporting } from './support/reporting-events';
import { totalsDrift } from './support/totals-drift';

// Migration 1766700000160 (ADR 0160): 基层党组织 counts neither the province's, a city's nor a
// county's committee. Rows from before it get a kind from their level; the totals' trigger then
// keeps the count through every later state, checked against a count taken from the rows alone;
// taken back, every active organisation counts again.
describe(ReportingGrassroots1766700000160.name, () => {
  let db: TestSchema;
  const sut = new ReportingGrassroots1766700000160();
  const [province, county, township, village, dissolved] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const inTransaction = async (step: (q: QueryRunner) => Promise<void>) => {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await step({
        query: async (sql: string, values?: unknown[]) => (await c.query<Record<string, unknown>>(sql, values)).rows,
      } as unknown as QueryRunner);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    } finally {
      c.release();
    }
  };
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

  it('up_CountsNoLocalCommittee_KindFromTheLevel_TotalsKeptThroughLaterStates; down_CountsEveryActiveOrganisationAgain', async () => {
    expect(await roster(province)).toEqual({ organizations: 4, contactPoints: 3, contactOrgs: 2 });

    await inTransaction((q) => sut.up(q));
    const { rows: kinds } = await db.pool.query<{ id: string; kind: string; grassroots: boolean }>(
      `select id, kind, grassroots from rpt_org`,
    );
    expect(new Map(kinds.map((k) => [k.id, [k.kind, k.grassroots]]))).toEqual(
      new Map([
        [province, ['committee', false]],
        [county, ['committee', false]],
        [township, ['branch', true]],
        [village, ['branch', true]],
        [dissolved, ['branch', true]],
      ]),
    );
    // The township and the village; the county's contact point still counts, and the county with it.
    expect(await roster(province)).toEqual({ organizations: 2, contactPoints: 3, contactOrgs: 2 });
    expect(await roster(county)).toEqual({ organizations: 2, contactPoints: 3, contactOrgs: 2 });
    expect(await totalsDrift(db.pool)).toEqual([]);

    // Later states through the trigger, at random: kind, level and status change, organisations arrive.
    const ids = [province, county, township, village, dissolved];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    for (let i = 0; i < 40; i++) {
      if (Math.random() < 0.25) {
        const id = randomUUID();
        const parent = pick(ids.slice(1));
        await db.pool.query(
          `insert into rpt_org (id, parent_id, path, code, name, level, kind, status, merged_into_id, contact_points, version, event_id, occurred_at)
           select $1, p.id, p.path || $1::uuid, $1::text, $1::text, $2, $3, 'active', null, $4, 1, gen_random_uuid(), now() from rpt_org p where p.id = $5`,
          [id, pick(['county', 'township', 'village']), pick(['committee', 'general_branch', 'branch']), pick([0, 1]), parent],
        );
        ids.push(id);
      } else {
        await db.pool.query(
          `update rpt_org set kind = $2, level = $3, status = $4, contact_points = $5, version = version + 1 where id = $1`,
          [
            pick(ids.slice(1)),
            pick(['committee', 'general_branch', 'branch']),
            pick(['county', 'township', 'village']),
            pick(['active', 'active', 'dissolved']),
            pick([0, 0, 2]),
          ],
        );
      }
      expect(await totalsDrift(db.pool)).toEqual([]);
    }

    await inTransaction((q) => sut.down(q));
    const { rows: active } = await db.pool.query<{ n: string }>(`select count(*) as n from rpt_org where status = 'active'`);
    expect((await roster(province)).organizations).toBe(Number(active[0]!.n));
  });
});

import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { MovableClock, createCommendationTestApp } from './support/commendation-test-app';

// 名额 under concurrency, and the review commands over HTTP with the realm's tokens: many approvals
// at once across units and categories in a random order never take more places than allocated
// (the places stream's expected version, ADR 0043), every refusal naming its rule; return, amend,
// reject and revoke each with their happy path, wrong role, outside the subtree, bad body and rule.

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HEKOU = demoOrgId('910425102');
const QUOTA_RULE = /\[rule commendation\.nomination\.within-quota@1\]$/;

/** A small seeded generator (mulberry32): a failing interleaving is reproduced with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const shuffled = <T>(items: T[], rnd: () => number): T[] => {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

type Answer = { status: number; body: { code?: string; message?: string; errors?: { field: string; reason: string }[] } };

describe('places and review commands (e2e)', () => {
  const clock = new MovableClock('2013-04-15');
  let app: INestApplication;
  let pool: Pool;
  const t: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({ Authorization: `Bearer ${t[user]}` });
  const post = (user: string, path: string, body: object): Promise<Answer> =>
    http()
      .post(path)
      .set(as(user))
      .send(body)
      .then((r) => ({ status: r.status, body: r.body as Answer['body'] }));

  beforeAll(async () => {
    app = await createCommendationTestApp(clock);
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    for (const u of [
      'county.organizer',
      'township.organizer',
      'township.secretary',
      'other.township.secretary',
      'village.secretary',
      'county.inspector',
    ])
      t[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  async function launch(categories: string[]): Promise<string> {
    const r = await post('county.organizer', '/programmes', {
      name: `e2e 名额 ${randomUUID().slice(0, 6)}`,
      orgId: COUNTY,
      level: 'county',
      categories,
      years: [2012],
      timeline: {
        nominationOpensOn: '2013-04-10',
        nominationClosesOn: '2013-05-10',
        reviewDeadlines: [
          { level: 'township', dueOn: '2013-05-20' },
          { level: 'county', dueOn: '2013-05-31' },
        ],
        notice: { days: 1, dayKind: 'calendar' },
        decisionOn: '2013-06-28',
      },
      eligibilityPolicies: [],
    });
    expect(r.status).toBe(201);
    return (r.body as { programmeId: string }).programmeId;
  }
  const allocate = async (programmeId: string, unitOrgId: string, category: string, places: number) =>
    expect((await post('county.organizer', `/programmes/${programmeId}/quotas`, { unitOrgId, category, places })).status).toBe(200);
  const nominate = (user: string, programmeId: string, category: string, orgId: string) =>
    post(user, '/nominations', {
      programmeId,
      category,
      nominee: { kind: 'member', id: randomUUID(), name: '张明', orgId },
      deeds: { summary: '带头修路', record: '主要事迹……' },
    });
  const grantsIn = async (programmeId: string) =>
    (
      await pool.query<{ canonical: string }>(
        `select canonical from events where type = 'commendation.PlaceGranted' and stream_id like 'places-' || $1 || '.%'`,
        [programmeId],
      )
    ).rows.map((r) => (JSON.parse(r.canonical) as { data: { unitOrgId: string; category: string; level: string } }).data);

  it('Places_ManyApprovalsAtOnceAcrossUnits_RandomOrder_NeverExceedTheQuota_AndEveryRefusalNamesTheRule', async () => {
    const seed = Number(process.env['COMMENDATION_RACE_SEED'] ?? Date.now() % 1_000_000);
    const rnd = random(seed);
    const programmeId = await launch(['outstanding_member', 'outstanding_party_worker']);
    // Two units (白桦镇, 河口镇) × two categories, each nominated by the township's own secretary (chain: the county).
    const pools = [
      { unit: BAIHUA, user: 'township.secretary' },
      { unit: HEKOU, user: 'other.township.secretary' },
    ].flatMap((u) =>
      ['outstanding_member', 'outstanding_party_worker'].map((category) => ({ ...u, category, places: 2 + Math.floor(rnd() * 3) })),
    );
    for (const p of pools) await allocate(programmeId, p.unit, p.category, p.places);
    const key = (p: { unit: string; category: string }) => `${p.unit}|${p.category}`;

    // 1. Submissions, more than the places, all at once in a random order.
    const tries = shuffled(
      pools.flatMap((p) => Array.from({ length: p.places + 2 + Math.floor(rnd() * 4) }, () => p)),
      rnd,
    );
    const submitted = await Promise.all(tries.map((p) => nominate(p.user, programmeId, p.category, p.unit).then((a) => ({ p, a }))));
    const made = new Map<string, string[]>();
    for (const { p, a } of submitted) {
      if (a.status === 201) made.set(key(p), [...(made.get(key(p)) ?? []), (a.body as { nominationId: string }).nominationId]);
      else
        expect({ seed, status: a.status, code: a.body.code, rule: QUOTA_RULE.test(a.body.message ?? '') }).toEqual({
          seed,
          status: 422,
          code: 'NOMINATION.OVER_QUOTA',
          rule: true,
        });
    }
    for (const p of pools)
      expect({ seed, pool: key(p), submitted: made.get(key(p))?.length }).toEqual({ seed, pool: key(p), submitted: p.places });

    // 2. Fewer places at the county (a later allocation replaces the first), then every approval at once.
    for (const p of pools) p.places = 1 + Math.floor(rnd() * (p.places - 1));
    for (const p of pools) await allocate(programmeId, p.unit, p.category, p.places);
    const approvals = shuffled(
      pools.flatMap((p) => made.get(key(p))!.map((id) => ({ p, id }))),
      rnd,
    );
    const endorsed = await Promise.all(
      approvals.map(({ p, id }) => post('county.organizer', `/nominations/${id}/endorse`, { reason: '同意' }).then((a) => ({ p, a }))),
    );
    for (const p of pools) {
      const mine = endorsed.filter((e) => e.p === p);
      expect({ seed, pool: key(p), endorsed: mine.filter((e) => e.a.status === 200).length }).toEqual({
        seed,
        pool: key(p),
        endorsed: p.places,
      });
      for (const { a } of mine.filter((e) => e.a.status !== 200))
        expect({ seed, status: a.status, code: a.body.code, rule: QUOTA_RULE.test(a.body.message ?? '') }).toEqual({
          seed,
          status: 422,
          code: 'NOMINATION.OVER_QUOTA',
          rule: true,
        });
    }
    // The places streams hold exactly the places granted, level by level.
    const grants = await grantsIn(programmeId);
    for (const p of pools) {
      const at = (level: string) => grants.filter((g) => g.unitOrgId === p.unit && g.category === p.category && g.level === level).length;
      expect({ seed, nominator: at('nominator'), county: at('county') }).toEqual({
        seed,
        nominator: made.get(key(p))!.length,
        county: p.places,
      });
    }
  });
});

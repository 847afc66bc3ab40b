import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor, waitUntil, seededRandom } from '@vanguard/testing';
import { MovableClock, createCommendationTestApp } from './support/commendation-test-app';

// 名额 under concurrency, and the review commands over HTTP with the realm's tokens: many approvals
// at once across units and categories, on two replicas, in a random order never take more places
// than allocated (the places stream's expected version, ADR 0043), every refusal naming its rule; return, amend,
// reject and revoke each with their happy path, wrong role, outside the subtree, bad body and rule.

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HEKOU = demoOrgId('910425102');
const HONGSHI = demoOrgId('910425101201');
const QUOTA_RULE = /\[rule commendation\.nomination\.within-quota@1\]$/;

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
  /** A second replica on the same database: its in-process turns do not see the first's, only the store's versions do. */
  let replica: INestApplication;
  let pool: Pool;
  const t: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({ Authorization: `Bearer ${t[user]}` });
  const post = (user: string, path: string, body: object, on = app): Promise<Answer> =>
    request(on.getHttpServer())
      .post(path)
      .set(as(user))
      .send(body)
      .then((r) => ({ status: r.status, body: r.body as Answer['body'] }));

  beforeAll(async () => {
    app = await createCommendationTestApp(clock);
    replica = await createCommendationTestApp(clock);
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    for (const u of [
      'county.organizer',
      'township.organizer',
      'township.secretary',
      'other.township.secretary',
      'village.secretary',
      'county.inspector',
      'province.organizer',
      'city.reviewer',
    ])
      t[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await pool?.end();
    await replica?.close();
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
  it('shows a programme to its awarding body’s subtree and above, and answers anyone else as if it did not exist', async () => {
    const id = await launch(['outstanding_member']);
    await waitUntil(
      'the programme on the board',
      async () => (await http().get(`/programmes/${id}`).set(as('county.organizer'))).status === 200,
    );
    // The board's copy made 河口县's (no 河口县 account exists to launch one): 松岭旗's people are neither inside nor above it.
    await pool.query(`update programme_view set org_id = $2 where programme_id = $1`, [id, demoOrgId('910426')]);
    for (const user of ['province.organizer', 'city.reviewer'])
      expect({ user, status: (await http().get(`/programmes/${id}`).set(as(user))).status }).toEqual({ user, status: 200 });
    for (const user of ['county.organizer', 'township.secretary'])
      for (const path of [`/programmes/${id}`, `/programmes/${id}/dashboard`, `/programmes/${id}/nominations`])
        expect({ user, path, status: (await http().get(path).set(as(user))).status }).toEqual({ user, path, status: 404 });
    // A filter the list does not know is a 400 naming it, not silently dropped.
    for (const [query, field] of [
      ['status=bogus', 'status'],
      ['awaiting=village', 'awaiting'],
      ['overdue=yes', 'overdue'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
    ]) {
      const r = await http().get(`/programmes/${id}/nominations?${query}`).set(as('province.organizer'));
      expect({ query, status: r.status, field: r.body.errors?.[0]?.field }).toEqual({ query, status: 400, field });
    }
  });

  const allocate = async (programmeId: string, unitOrgId: string, category: string, places: number) =>
    expect((await post('county.organizer', `/programmes/${programmeId}/quotas`, { unitOrgId, category, places })).status).toBe(200);
  const nominate = (user: string, programmeId: string, category: string, orgId: string, on = app) =>
    post(
      user,
      '/nominations',
      {
        programmeId,
        category,
        nominee: { kind: 'member', id: randomUUID(), name: '张明', orgId },
        deeds: { summary: '带头修路', record: '主要事迹……' },
      },
      on,
    );
  const grantsIn = async (programmeId: string) =>
    (
      await pool.query<{ canonical: string }>(
        `select canonical from events where type = 'commendation.PlaceGranted' and stream_id like 'places-' || $1 || '.%'`,
        [programmeId],
      )
    ).rows.map((r) => (JSON.parse(r.canonical) as { data: { unitOrgId: string; category: string; level: string } }).data);

  it('OneNominee_SubmittedManyTimesAtOnceAcrossReplicas_IsNominatedOnce_AndTakesOnePlace', async () => {
    const programmeId = await launch(['outstanding_member']);
    await allocate(programmeId, BAIHUA, 'outstanding_member', 3);
    const member = randomUUID();
    const once = (i: number) =>
      post(
        'township.secretary',
        '/nominations',
        {
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id: member, name: '张明', orgId: BAIHUA },
          deeds: { summary: '带头修路', record: '主要事迹……' },
        },
        i % 2 ? replica : app,
      );
    // Before the board has seen any of them: only the streams can tell they name one person.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => once(i)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body.code)).toEqual(Array(11).fill('NOMINATION.DUPLICATE'));
    expect((await grantsIn(programmeId)).filter((g) => g.unitOrgId === BAIHUA)).toHaveLength(1);
  });

  it('Places_ManyApprovalsAtOnceAcrossUnits_RandomOrder_NeverExceedTheQuota_AndEveryRefusalNamesTheRule', async () => {
    const seed = Number(process.env['COMMENDATION_RACE_SEED'] ?? Date.now() % 1_000_000);
    const rnd = seededRandom(seed);
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
    // Each request goes to one of the two replicas at random.
    const either = () => (rnd() < 0.5 ? app : replica);
    const submitted = await Promise.all(
      tries.map((p) => nominate(p.user, programmeId, p.category, p.unit, either()).then((a) => ({ p, a }))),
    );
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
      approvals.map(({ p, id }) =>
        post('county.organizer', `/nominations/${id}/endorse`, { reason: '同意' }, either()).then((a) => ({ p, a })),
      ),
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

  /** A refusal by a domain rule: its status, its code, and the message ending with the rule id and version. */
  const refusedBy = (a: Answer, status: number, code: string, rule: string) =>
    expect({ status: a.status, code: a.body.code, rule: a.body.message?.endsWith(`[rule ${rule}@1]`) }).toEqual({
      status,
      code,
      rule: true,
    });
  const badField = (a: Answer, field: string) => {
    expect(a.status).toBe(400);
    expect(a.body.errors?.find((e) => e.field.includes(field))?.reason).toEqual(expect.any(String));
  };
  const eventsOf = async (streamIds: string[]) =>
    (
      await pool.query<{ type: string; tx: string; stream_id: string }>(
        `select type, transaction_id::text as tx, stream_id from events where stream_id = any($1::text[]) order by position`,
        [streamIds],
      )
    ).rows;

  it('ReviewCommands_OverHttp_ReturnAmendRejectRevoke_EachWithRoleSubtreeBodyAndRuleRefusals', async () => {
    clock.day = '2013-04-15';
    const programmeId = await launch(['outstanding_member']);
    await allocate(programmeId, BAIHUA, 'outstanding_member', 3);
    await allocate(programmeId, HEKOU, 'outstanding_member', 3);
    const idOf = (a: Answer) => (expect(a.status).toBe(201), (a.body as { nominationId: string }).nominationId);
    // X, Y from 红石村 (chain: 白桦镇, the county); Z from 河口镇 (chain: the county).
    const x = idOf(await nominate('village.secretary', programmeId, 'outstanding_member', HONGSHI));
    const y = idOf(await nominate('village.secretary', programmeId, 'outstanding_member', HONGSHI));
    const z = idOf(await nominate('other.township.secretary', programmeId, 'outstanding_member', HEKOU));
    const act = (user: string, id: string, verb: string, body: object) => post(user, `/nominations/${id}/${verb}`, body);

    // 退回: the awaited level returns with a reason.
    expect((await act('village.secretary', x, 'return', { reason: '材料不全' })).status).toBe(403);
    // Another township's organiser is not on Z's chain (河口镇's, then the county's): no such nomination for them.
    expect((await act('township.organizer', z, 'return', { reason: '材料不全' })).body.code).toBe('NOMINATION.NOT_FOUND');
    badField(await act('township.organizer', x, 'return', { reason: '' }), 'reason');
    // A reason that shows nothing is refused at the edge too, before the domain's reason-given v2 (ADR 0127).
    badField(await act('township.organizer', x, 'return', { reason: '\u200b\u2060' }), 'reason');
    badField(await act('township.organizer', x, 'return', { reason: '材料不全', also: 1 }), 'also');
    expect((await act('township.organizer', x, 'endorse', { reason: '同意' })).status).toBe(200);
    expect((await act('county.organizer', x, 'return', { reason: '事迹材料需补充' })).status).toBe(200);
    refusedBy(
      await act('county.organizer', x, 'return', { reason: '再退' }),
      409,
      'NOMINATION.NOT_UNDER_REVIEW',
      'commendation.nomination.awaits-review',
    );

    // 修改重报: only the nominator amends a returned nomination; it gives back the township's place.
    const deeds = { deeds: { summary: '带头修路，补充材料', record: '补充后的主要事迹……' } };
    expect((await act('county.inspector', x, 'amend', deeds)).status).toBe(403);
    // Another township's secretary is neither the nominator's subtree nor on the chain: for them the
    // nomination does not exist, whatever its state (a 409 or 403 would say it does).
    expect((await act('other.township.secretary', x, 'amend', deeds)).body.code).toBe('NOMINATION.NOT_FOUND');
    badField(await act('village.secretary', x, 'amend', { deeds: { summary: '', record: 'x' } }), 'summary');
    refusedBy(await act('village.secretary', y, 'amend', deeds), 409, 'NOMINATION.NOT_RETURNED', 'commendation.nomination.amend-returned');
    expect((await act('village.secretary', x, 'amend', deeds)).status).toBe(200);
    const amended = await eventsOf([`nomination-${x}`, `places-${programmeId}.${BAIHUA}`]);
    const last = amended.slice(-2);
    expect(last.map((e) => e.type).sort()).toEqual(['commendation.NominationAmended', 'commendation.PlacesReleased']);
    expect(last[0]!.tx).toBe(last[1]!.tx);

    // 不予推荐: the awaited level rejects with a reason; the nomination's places come back.
    expect((await act('village.secretary', y, 'reject', { reason: '不符合条件' })).status).toBe(403);
    // Another township's organiser is not on Z's chain (河口镇's, then the county's): no such nomination for them.
    expect((await act('township.organizer', z, 'reject', { reason: '不符合条件' })).body.code).toBe('NOMINATION.NOT_FOUND');
    badField(await act('township.organizer', y, 'reject', {}), 'reason');
    expect((await act('township.organizer', y, 'reject', { reason: '不符合条件' })).status).toBe(200);
    refusedBy(
      await act('township.organizer', y, 'reject', { reason: '再拒' }),
      409,
      'NOMINATION.NOT_UNDER_REVIEW',
      'commendation.nomination.awaits-review',
    );
    const rejected = (await eventsOf([`places-${programmeId}.${BAIHUA}`])).at(-1)!;
    expect(rejected.type).toBe('commendation.PlacesReleased');

    // 撤销: Z is shortlisted, noticed and decided; only the awarding body revokes it, with a reason.
    expect((await act('county.organizer', z, 'endorse', { reason: '同意' })).status).toBe(200);
    await waitUntil(
      'Z shortlisted on the board',
      async () =>
        (await pool.query(`select 1 from nomination_view where nomination_id = $1 and status = 'shortlisted'`, [z])).rowCount === 1,
    );
    clock.day = '2013-04-20';
    expect((await post('county.organizer', `/programmes/${programmeId}/notice`, {})).status).toBe(200);
    clock.day = '2013-04-25';
    const decided = await waitUntil('the decision (once objections are caught up)', async () => {
      const a = await act('county.organizer', z, 'decide', { documentNumber: '松组发〔2013〕7号' });
      return a.status === 200 && a;
    });
    expect(decided.status).toBe(200);
    expect((await act('county.inspector', z, 'revoke', { reason: '事迹失实' })).status).toBe(403);
    // Not on Z's chain: no such nomination for them (the awarding-body rule speaks only to those who see it).
    expect((await act('township.organizer', z, 'revoke', { reason: '事迹失实' })).body.code).toBe('NOMINATION.NOT_FOUND');
    badField(await act('county.organizer', z, 'revoke', { reason: 42 }), 'reason');
    refusedBy(
      await act('county.organizer', x, 'revoke', { reason: '事迹失实' }),
      409,
      'NOMINATION.NOT_DECIDED',
      'commendation.nomination.revoke-decided',
    );
    expect((await act('county.organizer', z, 'revoke', { reason: '事迹失实' })).status).toBe(200);
    refusedBy(
      await act('county.organizer', z, 'revoke', { reason: '再撤' }),
      409,
      'NOMINATION.NOT_DECIDED',
      'commendation.nomination.revoke-decided',
    );
  });

  it('UpholdingAnObjection_WithdrawsTheNominationInTheSameAppend_AFailedWithdrawalLeavesTheObjectionOpen', async () => {
    clock.day = '2013-04-15';
    const programmeId = await launch(['outstanding_member']);
    await allocate(programmeId, HEKOU, 'outstanding_member', 2);
    const w = (await nominate('other.township.secretary', programmeId, 'outstanding_member', HEKOU)).body as { nominationId: string };
    expect((await post('county.organizer', `/nominations/${w.nominationId}/endorse`, { reason: '同意' })).status).toBe(200);
    await waitUntil(
      'W shortlisted on the board',
      async () =>
        (await pool.query(`select 1 from nomination_view where nomination_id = $1 and status = 'shortlisted'`, [w.nominationId]))
          .rowCount === 1,
    );
    clock.day = '2013-04-20';
    expect((await post('county.organizer', `/programmes/${programmeId}/notice`, {})).status).toBe(200);
    // The public notice with no token: its text with an ETag, then 304 for a client holding it (served before the pipeline).
    const read = await waitUntil('the notice', async () => {
      const r = await http().get(`/public-notices/${programmeId}`);
      return r.status === 200 && (r.body as { entries: unknown[] }).entries.length === 1 && r;
    });
    const etag = read.headers['etag'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await http().get(`/public-notices/${programmeId}`).set('If-None-Match', etag);
    expect([again.status, again.text]).toEqual([304, '']);
    expect((await http().get(`/public-notices/${programmeId}`)).text).toBe(read.text);
    // A notice held in memory (up to a second) is answered ahead of Express (ADR 0066): neither the
    // page nor the 304 reaches the access logger, router or pipeline, and both are still counted.
    const express = app.getHttpAdapter().getInstance() as { handle: (...args: unknown[]) => unknown };
    const reachedExpress = jest.spyOn(express, 'handle');
    try {
      const aheadOfExpress = (headers: Record<string, string>, status: number) =>
        waitUntil(`a ${status} answered ahead of Express`, async () => {
          reachedExpress.mockClear();
          const r = await http().get(`/public-notices/${programmeId}`).set(headers);
          return r.status === status && reachedExpress.mock.calls.length === 0 && r;
        });
      expect((await aheadOfExpress({ 'x-correlation-id': 'notice-hit-1' }, 200)).headers['x-correlation-id']).toBe('notice-hit-1');
      expect((await aheadOfExpress({ 'If-None-Match': etag }, 304)).text).toBe('');
    } finally {
      reachedExpress.mockRestore();
    }
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/public-notices\/:programmeId"[^}]*status="304"[^}]*\} [1-9]/,
    );
    expect(
      (await http().post(`/public-notices/${programmeId}/objections`).send({ nominationId: w.nominationId, grounds: '事迹系他人所为' }))
        .status,
    ).toBe(201);
    const objectionId = await waitUntil('the objection on the board', async () => {
      const r = await http().get(`/objections?programmeId=${programmeId}`).set(as('county.inspector'));
      return (r.body as { objectionId: string }[])[0]?.objectionId;
    });
    // A second objection to W, filed while it is still listed: upheld after the first, it concludes alone.
    expect(
      (await http().post(`/public-notices/${programmeId}/objections`).send({ nominationId: w.nominationId, grounds: '群众反映事迹不实' }))
        .status,
    ).toBe(201);
    const secondId = await waitUntil('the second objection on the board', async () => {
      const r = await http().get(`/objections?programmeId=${programmeId}`).set(as('county.inspector'));
      return (r.body as { objectionId: string }[]).find((o) => o.objectionId !== objectionId)?.objectionId;
    });
    // An organiser may assign, but naming himself the investigator makes him no inspector, and the
    // objector's name and contact are for the inspector's token alone.
    const claims = (user: string) =>
      JSON.parse(Buffer.from(t[user]!.split('.')[1]!, 'base64url').toString()) as { sub: string; org_id: string };
    const organiser = claims('county.organizer');
    const selfAssigned = await post('county.organizer', `/objections/${objectionId}/assign`, {
      investigator: { sub: organiser.sub, orgId: organiser.org_id },
    });
    expect([selfAssigned.status, selfAssigned.body.code]).toEqual([422, 'OBJECTION.NOT_AN_INSPECTOR']);
    expect((await http().get(`/objections/${objectionId}`).set(as('county.organizer'))).body).not.toHaveProperty('objector');
    // Outside the awarding body's subtree the objection reads as none, assigning it too (a 403 said it exists).
    const outsider = await post('township.organizer', `/objections/${objectionId}/assign`, {});
    expect(outsider.status).toBe(404);
    expect((await post('county.inspector', `/objections/${objectionId}/assign`, {})).status).toBe(200);
    // The board shows the assignment once its projection has it: then the inspector sees the objector.
    await waitUntil('the inspector to see the objector', async () =>
      'objector' in ((await http().get(`/objections/${objectionId}`).set(as('county.inspector'))).body as object) ? true : undefined,
    );

    // The nomination's part of the append fails (a fault injected for this stream only): nothing of it lands.
    const streams = [`objection-${objectionId}`, `nomination-${w.nominationId}`, `places-${programmeId}.${HEKOU}`];
    const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
    const trigger = `fail_${w.nominationId.replace(/-/g, '')}`;
    try {
      await admin.query(
        `create function commendation.${trigger}() returns trigger language plpgsql as $$ begin
           if new.stream_id = 'nomination-${w.nominationId}' then raise exception 'injected fault'; end if; return new; end $$;
         create trigger ${trigger} before insert on commendation.events for each row execute function commendation.${trigger}()`,
      );
      const before = await eventsOf(streams);
      const failed = await post('county.inspector', `/objections/${objectionId}/uphold`, { findings: '经核实属实' });
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(await eventsOf(streams)).toEqual(before);
    } finally {
      await admin.query(`drop trigger if exists ${trigger} on commendation.events; drop function if exists commendation.${trigger}()`);
      await admin.end();
    }

    // Again, with the fault gone: the conclusion, the withdrawal and the places given back are one transaction.
    expect((await post('county.inspector', `/objections/${objectionId}/uphold`, { findings: '经核实属实' })).status).toBe(200);
    const landed = (await eventsOf(streams)).filter((e) =>
      ['commendation.ObjectionUpheld', 'commendation.NominationWithdrawn', 'commendation.PlacesReleased'].includes(e.type),
    );
    expect(landed.map((e) => e.type).sort()).toEqual([
      'commendation.NominationWithdrawn',
      'commendation.ObjectionUpheld',
      'commendation.PlacesReleased',
    ]);
    expect(new Set(landed.map((e) => e.tx)).size).toBe(1);
    // The withdrawn entry leaves the notice: a new text, a new ETag, so the held one no longer answers 304.
    const changed = await waitUntil('the notice without W', async () => {
      const r = await http().get(`/public-notices/${programmeId}`).set('If-None-Match', etag);
      return r.status === 200 && r;
    });
    expect([(changed.body as { entries: unknown[] }).entries, changed.headers['etag'] === etag]).toEqual([[], false]);

    // The second objection upheld too: concluded (it was refused NOMINATION.NOT_STANDING and stayed
    // open for good, holding its objector's details), and W is not withdrawn twice.
    // Fifty identical assigns at once on two replicas record one assignment (six identical ones were
    // appended before): every other copy is refused 409, as the one already assigned or as a concurrent change.
    const copies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post('county.inspector', `/objections/${secondId}/assign`, {}, i % 2 ? replica : app)),
    );
    expect(copies.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of copies.filter((x) => x.status !== 200))
      expect([a.status, ['OBJECTION.ALREADY_ASSIGNED', 'STREAM.CONCURRENT_CHANGE'].includes(a.body.code!)]).toEqual([409, true]);
    const reassigned = await post('county.inspector', `/objections/${secondId}/assign`, {});
    expect([reassigned.status, reassigned.body.code]).toEqual([409, 'OBJECTION.ALREADY_ASSIGNED']);
    expect((await eventsOf([`objection-${secondId}`])).filter((e) => e.type === 'commendation.ObjectionAssigned')).toHaveLength(1);
    const second = await post('county.inspector', `/objections/${secondId}/uphold`, { findings: '另查属实' });
    expect(second.status).toBe(200);
    const after = (await eventsOf([`objection-${secondId}`, `nomination-${w.nominationId}`])).map((e) => e.type);
    expect(after.filter((t) => t === 'commendation.NominationWithdrawn')).toHaveLength(1);
    expect(after).toContain('commendation.ObjectionUpheld');
    // Withdrawn, W is no longer on the notice the public reads, though its round still lists it: no new objection to it.
    const late = await http()
      .post(`/public-notices/${programmeId}/objections`)
      .send({ nominationId: w.nominationId, grounds: '又发现事迹不实' });
    expect([late.status, late.body.code]).toEqual([404, 'OBJECTION.NOT_ON_NOTICE']);
  });
});

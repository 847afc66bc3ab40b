import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import {
  MovableClock,
  approvedGrade,
  createCommendationTestApp,
  julyFirstProgramme,
  julyFirstTimeline,
} from './support/commendation-test-app';

// 推荐 → 镇 → 旗 → 公示 → 异议 → 表彰决定 through HTTP with the realm's own tokens: one objection
// upheld (the nomination is withdrawn), one dismissed, a decision refused while an objection is
// open, the notice read with no token, and the public endpoints' hostile cases.

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');

describe('commendation chain (e2e)', () => {
  const clock = new MovableClock('2011-04-15');
  let app: INestApplication;
  let pool: Pool;
  const t: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const as = (user: string) => ({ Authorization: `Bearer ${t[user]}` });

  beforeAll(async () => {
    app = await createCommendationTestApp(clock);
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    for (const u of [
      'county.organizer',
      'province.organizer',
      'township.organizer',
      'village.secretary',
      'county.inspector',
      'township.secretary',
    ])
      t[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  it('RunsBranchTownshipCounty_NoticeObjectionsDecision_WithEveryRefusalNamed', async () => {
    // 2011-06-06 (端午节) is a holiday: a 5-working-day notice from Wed 1 June ends Wed 8 June.
    // The calendar is the platform's: a county's organiser may not change it, the province's does.
    expect(
      (await http().put('/calendar/days/2011-06-06').set(as('county.organizer')).send({ kind: 'holiday', name: '端午节' })).body.code,
    ).toBe('SCOPE.PLATFORM_ONLY');
    await http().put('/calendar/days/2011-06-06').set(as('province.organizer')).send({ kind: 'holiday', name: '端午节' }).expect(200);
    // A year that is not one, or one out of range, names the field; a day Postgres has no year for too.
    for (const bad of ['20x1', '1999', '12011', '2011.5'])
      expect([bad, (await http().get(`/calendar/${bad}`).set(as('county.organizer'))).body.errors?.[0]?.field]).toEqual([bad, 'year']);
    expect(
      (await http().put('/calendar/days/0000-06-06').set(as('province.organizer')).send({ kind: 'holiday', name: '端午节' })).body
        .errors?.[0]?.field,
    ).toBe('day');
    // One range of years (2000–2099) for setting a day, reading a year and counting a notice's end:
    // a 1950 day was set and never read, 2100 read and never set, and a notice counted into 2100.
    for (const bad of ['1950-10-02', '1999-12-31', '2100-01-01']) {
      const refused = await http().put(`/calendar/days/${bad}`).set(as('province.organizer')).send({ kind: 'holiday', name: '假日' });
      expect([bad, refused.status, refused.body.errors?.[0]?.field]).toEqual([bad, 400, 'day']);
    }
    expect((await http().get('/calendar/2100').set(as('county.organizer'))).body.errors?.[0]?.field).toBe('year');
    expect((await http().get('/calendar/2000').set(as('county.organizer'))).status).toBe(200);
    const pastTheLastYear = await http().get('/calendar/notice-end?from=2099-12-31&days=30').set(as('county.organizer'));
    expect([pastTheLastYear.status, pastTheLastYear.body.errors?.[0]?.field]).toEqual([400, 'days']);
    const inTheLastYear = await http().get('/calendar/notice-end?from=2099-12-01&days=5').set(as('county.organizer'));
    expect([inTheLastYear.status, inTheLastYear.body]).toEqual([
      200,
      { endsOn: '2099-12-07', inputs: [{ streamId: 'calendar-2099', version: expect.any(Number) }] },
    ]);
    expect((await http().get('/calendar/notice-end?from=1999-12-31&days=5').set(as('county.organizer'))).body.errors?.[0]?.field).toBe(
      'from',
    );
    // A timeline or its notice period sent as an array (each element was read as the object): 400 naming it, never a 500 or a programme without a notice.
    const good = julyFirstProgramme('数组时间表') as Record<string, unknown> & { timeline: { notice: unknown } };
    for (const [body, field] of [
      [{ ...good, timeline: [good.timeline] }, 'timeline'],
      [{ ...good, timeline: [] }, 'timeline'],
      [{ ...good, timeline: { ...good.timeline, notice: [good.timeline.notice] } }, 'timeline.notice'],
      // A name of spaces shows as nothing on the public notice.
      [{ ...good, name: '   ' }, 'name'],
    ] as const) {
      const refused = await http().post('/programmes').set(as('county.organizer')).send(body);
      expect([field, refused.status, refused.body.errors?.[0]?.field]).toEqual([field, 400, field]);
    }
    const launched = await http()
      .post('/programmes')
      .set(as('county.organizer'))
      .send(julyFirstProgramme(`e2e 七一表彰 ${randomUUID().slice(0, 6)}`))
      .expect(201);
    const programmeId = launched.body.programmeId as string;
    await http()
      .post(`/programmes/${programmeId}/quotas`)
      .set(as('county.organizer'))
      .send({ unitOrgId: BAIHUA, category: 'outstanding_member', places: 2 })
      .expect(200);
    // A township may not allocate the county's places.
    const foreign = await http()
      .post(`/programmes/${programmeId}/quotas`)
      .set(as('township.organizer'))
      .send({ unitOrgId: BAIHUA, category: 'outstanding_member', places: 9 });
    expect(foreign.status).toBe(403);

    clock.day = '2011-04-20';
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await approvedGrade(pool, a, 'excellent');
    await approvedGrade(pool, b, 'excellent');
    await approvedGrade(pool, d, 'excellent');
    const nominate = (id: string, name: string) =>
      http()
        .post('/nominations')
        .set(as('village.secretary'))
        .send({
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id, name, orgId: HONGSHI },
          deeds: { summary: `${name}带头修路`, record: `${name}的主要事迹……` },
        });
    // No approved grade for c: refused naming the policy, and the refusal is on record.
    const refused = await nominate(c, '丙').expect(422);
    expect(refused.body.code).toBe('ELIGIBILITY.REVIEW_GRADE');
    // The message ends with the versioned rule (`[rule <id>@<version>]` in libs/http; `[<id> v<version>]` before).
    expect(refused.body.message).toMatch(/commendation\.eligibility\.review-grade(@| v)2\]/);
    const recorded = await pool.query<{ canonical: string }>(
      `select canonical from events where type = 'commendation.EligibilityChecked' and canonical like '%' || $1 || '%'`,
      [c],
    );
    expect(recorded.rows.map((r) => JSON.parse(r.canonical) as { data: { eligible: boolean; decision: { rule: unknown } } })).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          eligible: false,
          decision: expect.objectContaining({ rule: { id: 'commendation.eligibility.review-grade', version: 2 } }),
        }),
      }),
    ]);
    // Deeds go on the public notice: a phone number behind a zero-width space or dots is refused, and nothing is kept.
    for (const summary of ['联系电话1\u200b3800138000', '电话138.0013.8000']) {
      const hidden = await http()
        .post('/nominations')
        .set(as('village.secretary'))
        .send({
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id: a, name: '甲', orgId: HONGSHI },
          deeds: { summary, record: '……' },
        });
      expect([hidden.status, hidden.body.code]).toEqual([400, 'NOMINATION.PERSONAL_NUMBERS']);
    }
    // The name and summary are published as they are: markup in either is refused, naming the field (a probe put <img onerror> on the notice).
    for (const [field, nominee, deeds] of [
      ['nominee.name', '<img src=x onerror=alert(1)>', '带领群众修路'],
      ['deeds.summary', '甲', '<script>alert(document.cookie)</script>'],
    ] as const) {
      const markup = await http()
        .post('/nominations')
        .set(as('village.secretary'))
        .send({
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id: a, name: nominee, orgId: HONGSHI },
          deeds: { summary: deeds, record: '……' },
        });
      expect([markup.status, markup.body.errors]).toEqual([
        400,
        [{ field, reason: `不得含 < 或 > / ${field.split('.')[1]} must be plain text without < or >` }],
      ]);
    }
    const na = (await nominate(a, '甲').expect(201)).body.nominationId as string;
    const nb = (await nominate(b, '乙').expect(201)).body.nominationId as string;
    // The unit has two places: a third standing nomination is over quota once the board counts the first two.
    await waitUntil(
      'the board counts both',
      async () => (await pool.query(`select 1 from nomination_view where nomination_id = any($1::uuid[])`, [[na, nb]])).rowCount === 2,
    );
    const over = await nominate(d, '丁').expect(422);
    expect(over.body.code).toBe('NOMINATION.OVER_QUOTA');

    // No level skipped: the county cannot endorse what waits on the township.
    clock.day = '2011-05-15';
    expect((await http().post(`/nominations/${na}/endorse`).set(as('county.organizer')).send({ reason: '同意' })).body.code).toBe(
      'NOMINATION.NOT_THE_NEXT_LEVEL',
    );
    for (const n of [na, nb])
      await http().post(`/nominations/${n}/endorse`).set(as('township.organizer')).send({ reason: '事迹属实，同意上报' }).expect(200);
    for (const n of [na, nb]) {
      const r = await http()
        .post(`/nominations/${n}/endorse`)
        .set(as('county.organizer'))
        .send({ reason: '同意列入拟表彰名单' })
        .expect(200);
      expect(r.body.shortlisted).toBe(true);
    }
    await waitUntil(
      'both shortlisted on the board',
      async () =>
        (await pool.query(`select 1 from nomination_view where nomination_id = any($1::uuid[]) and status = 'shortlisted'`, [[na, nb]]))
          .rowCount === 2,
    );

    clock.day = '2011-06-01';
    const published = await http().post(`/programmes/${programmeId}/notice`).set(as('county.organizer')).send({}).expect(200);
    expect(published.body).toMatchObject({ round: 1, endsOn: '2011-06-08' });
    // The notice records which calendar it counted on: the year's version, so the end date replays.
    const noticeEvent = await pool.query<{ canonical: string }>(
      `select canonical from events where stream_id = $1 and type = 'commendation.PublicNoticePublished'`,
      [`public-notice-${programmeId}`],
    );
    const noticeInputs = (
      JSON.parse(noticeEvent.rows[0]!.canonical) as { data: { decision: { inputs: { streamId: string; version: number }[] } } }
    ).data.decision.inputs;
    expect(noticeInputs.find((i) => i.streamId === 'calendar-2011')?.version).toBeGreaterThan(0);

    // The notice with no token: only what a notice shows.
    const notice = await waitUntil('the notice', async () => {
      const r = await http().get(`/public-notices/${programmeId}`);
      const body = r.body as { entries: Record<string, unknown>[] };
      return r.status === 200 && body.entries.length === 2 && body;
    });
    expect(notice).toMatchObject({ round: 1, startsOn: '2011-06-01', endsOn: '2011-06-08', dayKind: 'working' });
    for (const e of notice.entries) expect(Object.keys(e).sort()).toEqual(['category', 'deedsSummary', 'name', 'nominationId', 'orgName']);
    expect(JSON.stringify(notice)).not.toMatch(/主要事迹|record|"id"/);

    clock.day = '2011-06-03';
    const objectTo = (nominationId: string, extra: object = {}) =>
      http()
        .post(`/public-notices/${programmeId}/objections`)
        .send({ nominationId, grounds: '所述事迹与实际不符', ...extra });
    const codeA = (await objectTo(na).expect(201)).body.trackingCode as string;
    // Four copies of one objection at once (a double click, a retry after a lost answer): one is
    // filed and all four answer its code; the same objection again later, spaced differently,
    // answers the first one's. The public route takes no Idempotency-Key: the content is the key.
    const copies = await Promise.all(Array.from({ length: 4 }, () => objectTo(nb, { name: '王五', contact: '村委会转' })));
    const codeB = copies[0]!.body.trackingCode as string;
    expect(copies.map((r): unknown[] => [r.status, r.body.trackingCode as string])).toEqual(Array.from({ length: 4 }, () => [201, codeB]));
    expect(codeA).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(codeB).not.toBe(codeA);
    const again = await objectTo(na, { grounds: '  所述事迹与实际不符 ' });
    expect([again.status, again.body.trackingCode]).toEqual([201, codeA]);
    // An ID or phone number in the grounds is refused, naming the rule.
    expect((await objectTo(na, { grounds: '举报人电话13812345678' })).status).toBe(400);
    // However it is written (a probe filed these into the store for good): dots, a zero-width space, numerals.
    for (const grounds of ['举报人电话138.0013.8000', '举报人电话1\u200b3800138000', '举报人电话一三八〇〇一三八〇〇〇']) {
      const refused = await objectTo(na, { grounds });
      expect([grounds, refused.status, refused.body.code]).toEqual([grounds, 400, 'OBJECTION.PERSONAL_NUMBERS']);
    }

    // A status the list does not know is refused, not answered with an empty list.
    for (const status of ['foo', '']) {
      const r = await http().get(`/objections?programmeId=${programmeId}&status=${status}`).set(as('county.inspector'));
      expect([status, r.status, r.body.errors?.[0]?.field]).toEqual([status, 400, 'status']);
    }
    const objections = await waitUntil('both objections on the board', async () => {
      const r = await http().get(`/objections?programmeId=${programmeId}`).set(as('county.inspector'));
      return r.body.length === 2 && (r.body as { objectionId: string; nominationId: string }[]);
    });
    const objA = objections.find((o) => o.nominationId === na)!.objectionId;
    const objB = objections.find((o) => o.nominationId === nb)!.objectionId;

    // Page by page, following each Link: the same objections in the same order, and no link after the last.
    const pages: { objectionId: string }[][] = [];
    let link: string | undefined = `/objections?programmeId=${programmeId}&limit=1`;
    while (link && pages.length < 5) {
      const r: request.Response = await http().get(link).set(as('county.inspector')).expect(200);
      pages.push(r.body as { objectionId: string }[]);
      link = /^<([^>]+)>; rel="next"$/.exec(String(r.headers['link'] ?? ''))?.[1];
    }
    expect(pages.map((p) => p.map((o) => o.objectionId))).toEqual([[objections[0]!.objectionId], [objections[1]!.objectionId], []]);
    const whole = await http().get(`/objections?programmeId=${programmeId}`).set(as('county.inspector')).expect(200);
    expect(whole.headers['link']).toBeUndefined();
    // The OpenAPI document describes each listed objection as it is answered, and the Link header.
    type Doc = {
      paths: Record<
        string,
        { get: { responses: Record<string, { headers?: object; content: Record<string, { schema: { items: { $ref: string } } }> }> } }
      >;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const doc = (await http().get('/docs/openapi.json').expect(200)).body as Doc;
    const listed = doc.paths['/objections']!.get.responses['200']!;
    const item = doc.components.schemas[listed.content['application/json']!.schema.items.$ref.split('/').pop()!]!;
    expect(Object.keys(item.properties).sort()).toEqual(Object.keys(whole.body[0] as object).sort());
    expect(Object.keys(listed.headers ?? {})).toEqual(['Link']);
    // The status travels in the link; a township below the awarding county sees no page, no link,
    // and no difference between an objection id that exists and one that does not.
    const filed = await http().get(`/objections?programmeId=${programmeId}&status=filed&limit=1`).set(as('county.inspector')).expect(200);
    expect(String(filed.headers['link'])).toContain('status=filed');
    for (const after of [objections[0]!.objectionId, randomUUID()]) {
      const outside = await http()
        .get(`/objections?programmeId=${programmeId}&limit=1&after=${after}`)
        .set(as('township.organizer'))
        .expect(200);
      expect([outside.body, outside.headers['link']]).toEqual([[], undefined]);
    }
    for (const [query, field] of [
      [`after=${randomUUID()}`, 'after'],
      ['after=not-a-uuid', 'after'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
    ] as const) {
      const r = await http().get(`/objections?programmeId=${programmeId}&${query}`).set(as('county.inspector'));
      expect([query, r.status, r.body.errors?.[0]?.field]).toEqual([query, 400, field]);
    }

    // After the period, but with objections open: no decision.
    clock.day = '2011-06-10';
    const blocked = await http()
      .post(`/nominations/${nb}/decide`)
      .set(as('county.organizer'))
      .send({ documentNumber: '松组发〔2011〕12号' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('NOMINATION.OBJECTION_OPEN');

    for (const o of [objA, objB]) await http().post(`/objections/${o}/assign`).set(as('county.inspector')).send({}).expect(200);
    // The investigator sees the named objector's contact; the public tracking page never does.
    const seen = await waitUntil('the assignment on the objection view', async () => {
      const r = await http().get(`/objections/${objB}`).set(as('county.inspector'));
      return r.status === 200 && (r.body as { objector?: unknown }).objector;
    });
    expect(seen).toEqual({ name: '王五', contact: '村委会转' });
    // Only the investigator concludes.
    expect((await http().post(`/objections/${objA}/uphold`).set(as('county.organizer')).send({ findings: 'x' })).status).toBe(403);
    await http()
      .post(`/objections/${objA}/uphold`)
      .set(as('county.inspector'))
      .send({ findings: '经核实，修路事迹系他人所为' })
      .expect(200);
    await http()
      .post(`/objections/${objB}/dismiss`)
      .set(as('county.inspector'))
      .send({ findings: '经走访核实，反映问题不属实' })
      .expect(200);
    expect((await http().get(`/objections/${objB}`).set(as('county.inspector')).expect(200)).body.objector).toEqual({
      name: null,
      contact: null,
    });

    await waitUntil(
      'both objections closed on the board',
      async () =>
        (
          await pool.query(`select 1 from objection_view where objection_id = any($1::uuid[]) and status in ('upheld','dismissed')`, [
            [objA, objB],
          ])
        ).rowCount === 2,
    );
    const status = await http().get(`/public-notices/objections/${codeA}`).expect(200);
    expect(status.body).toMatchObject({ trackingCode: codeA, status: 'upheld' });
    expect(JSON.stringify(status.body)).not.toContain('修路事迹系他人');
    expect((await http().get(`/public-notices/objections/${codeB}`).expect(200)).body.status).toBe('dismissed');

    await http().post(`/nominations/${nb}/decide`).set(as('county.organizer')).send({ documentNumber: '松组发〔2011〕12号' }).expect(200);
    // The upheld objection withdrew A: it can no longer be decided.
    const withdrawn = await http()
      .post(`/nominations/${na}/decide`)
      .set(as('county.organizer'))
      .send({ documentNumber: '松组发〔2011〕12号' });
    expect(withdrawn.status).toBe(409);
    expect(withdrawn.body.message).toContain('commendation.nomination.decide-shortlisted');

    const board = await waitUntil('the dashboard', async () => {
      const r = await http().get(`/programmes/${programmeId}/dashboard`).set(as('county.organizer'));
      const body = r.body as { totals: Record<string, number>; levels: unknown[] };
      return r.status === 200 && body.totals['decided'] === 1 && body;
    });
    expect(board.totals).toMatchObject({ nominated: 2, withdrawn: 1, decided: 1, objectionsOpen: 0, endorsed: 2 });
    expect(board.levels).toEqual([
      { level: 'township', awaiting: 0, overdue: 0, endorsed: 2, returned: 0, rejected: 0 },
      { level: 'county', awaiting: 0, overdue: 0, endorsed: 2, returned: 0, rejected: 0 },
    ]);
  });

  it('OverdueCheck_NotesEachLateLevelOnce_AndListsIt', async () => {
    clock.day = '2011-04-15';
    const programmeId = (
      await http()
        .post('/programmes')
        .set(as('county.organizer'))
        .send({
          name: `e2e 逾期 ${randomUUID().slice(0, 6)}`,
          orgId: COUNTY,
          level: 'county',
          categories: ['outstanding_member'],
          years: [2010],
          timeline: julyFirstTimeline({ days: 5, dayKind: 'calendar' }),
          eligibilityPolicies: [],
        })
        .expect(201)
    ).body.programmeId as string;
    await http()
      .post(`/programmes/${programmeId}/quotas`)
      .set(as('county.organizer'))
      .send({ unitOrgId: BAIHUA, category: 'outstanding_member', places: 1 })
      .expect(200);
    clock.day = '2011-04-20';
    const nominationId = (
      await http()
        .post('/nominations')
        .set(as('village.secretary'))
        .send({
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id: randomUUID(), name: '戊', orgId: HONGSHI },
          deeds: { summary: '义务巡河', record: '……' },
        })
        .expect(201)
    ).body.nominationId as string;
    await waitUntil(
      'the board holds it',
      async () => (await pool.query(`select 1 from nomination_view where nomination_id = $1`, [nominationId])).rowCount === 1,
    );
    clock.day = '2011-05-21';
    expect((await http().post(`/programmes/${programmeId}/overdue-check`).set(as('county.organizer')).expect(200)).body).toEqual({
      noted: 1,
      skipped: 0,
    });
    await waitUntil(
      'the noted version on the board',
      async () =>
        (await pool.query(`select 1 from nomination_view where nomination_id = $1 and version = 3`, [nominationId])).rowCount === 1,
    );
    expect((await http().post(`/programmes/${programmeId}/overdue-check`).set(as('county.organizer')).expect(200)).body).toEqual({
      noted: 0,
      skipped: 1,
    });
    const list = await http().get(`/programmes/${programmeId}/nominations?overdue=true`).set(as('county.organizer')).expect(200);
    expect((list.body as { nominationId: string; pending: unknown }[]).map((n) => [n.nominationId, n.pending])).toEqual([
      [nominationId, { level: 'township', orgId: BAIHUA, dueOn: '2011-05-20', overdue: true }],
    ]);
  });

  it('RefusesHostileCallers_ForgedTokens_ForgedAndOversizedBodies_AndAFloodOfObjections', async () => {
    const programmeId = randomUUID();
    const forged = `${t['county.organizer']!.slice(0, -6)}AAAAAA`;
    expect(
      (
        await http()
          .post('/programmes')
          .set({ Authorization: `Bearer ${forged}` })
          .send({})
      ).status,
    ).toBe(401);
    expect((await http().post('/programmes').send({})).status).toBe(401);
    // A field the API does not take, a wrong type: 400 naming the field.
    const bad = await http()
      .post('/nominations')
      .set(as('village.secretary'))
      .send({ programmeId, category: 'x', nominee: { kind: 'member' }, deeds: 1, admin: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['admin', 'category']));
    const huge = await http()
      .post(`/public-notices/${programmeId}/objections`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ nominationId: randomUUID(), grounds: 'x'.repeat(300_000) }));
    expect(huge.status).toBe(413);
    // Fifty identical objections at once from one address: the budget is spent, the rest are refused with 429, nothing answers 5xx.
    const flood = await Promise.all(
      Array.from({ length: 50 }, () =>
        http().post(`/public-notices/${programmeId}/objections`).send({ nominationId: randomUUID(), grounds: '同样的异议' }),
      ),
    );
    const codes = flood.map((r) => r.status);
    expect(codes.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40);
    expect(codes.every((s) => s === 429 || s === 404)).toBe(true);
  });
});

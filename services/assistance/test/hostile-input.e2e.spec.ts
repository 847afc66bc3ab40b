import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage, rosterMember } from './support/assistance-test-app';

/** What a careless or hostile client sends: every answer is a 400 naming the field, or the rule's 422; never a 500. */
describe('assistance hostile input', () => {
  let app: INestApplication;
  let db: Pool;
  let token: string;
  let village: string;
  let projectId: string;
  const as = () => ({ Authorization: `Bearer ${token}` });
  const http = () => request(app.getHttpServer());
  const plan = (plannedOn = dayFromToday(-1), over: Record<string, unknown> = {}) =>
    http()
      .post('/projects')
      .set(as())
      .send({
        villageId: village,
        name: '道路',
        category: 'road_hardening',
        budgetFen: 1000,
        beneficiaryHouseholds: 1,
        plannedOn,
        ...over,
      });
  /** A pairing of `orgId` with `helper`, stored as the pairing service left it. */
  const pairingOf = async (orgId: string, helper: string): Promise<string> => {
    const pairingId = randomUUID();
    await db.query(
      `insert into pairings (id, org_id, helper_unit_name, starts_on, ends_on, goals, lagging, recorded_at, recorded_by)
       values ($1, $2, $3, $4, $5, '["修路"]', false, now(), 'test')`,
      [pairingId, orgId, helper, dayFromToday(-30), dayFromToday(300)],
    );
    return pairingId;
  };

  const disclosureBudget = 5;

  beforeAll(async () => {
    // The public page's per-address budget is read when the app is made; a small one keeps the flood short.
    process.env['ASSISTANCE_DISCLOSURE_RPM'] = String(disclosureBudget);
    app = await createAssistanceTestApp();
    delete process.env['ASSISTANCE_DISCLOSURE_RPM'];
    db = assistanceDb();
    token = await tokenFor('county.assistance');
    village = await freshVillage(db, '910425101');
    projectId = (await plan()).body.id;
  });

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it.each([
    ['a fraction of a fen', { amountFen: 1.5 }, 'amountFen'],
    ['a number as text', { amountFen: '100' }, 'amountFen'],
    ['a negative amount', { amountFen: -1 }, 'amountFen'],
    ['more than 2^53 fen', { amountFen: 2 ** 60 }, 'amountFen'],
    ['an unknown source', { source: 'lottery' }, 'source'],
    ['a day that does not exist', { on: '2011-02-30' }, 'on'],
    ['a field nobody asked for', { balanceFen: 0 }, 'balanceFen'],
    ['a NUL in text', { purpose: 'a\u0000b' }, 'purpose'],
  ])('refuses %s with 400 naming the field', async (_, patch, field) => {
    const res = await http()
      .post(`/projects/${projectId}/disbursements`)
      .set(as())
      .set('Idempotency-Key', randomUUID())
      .send({ source: 'fiscal', amountFen: 100, on: dayFromToday(0), purpose: '进度款', ...patch });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers a bad id, a huge page, malformed JSON and an over-long title with 400, never 500', async () => {
    const badId = await http().get('/projects/not-a-uuid').set(as());
    expect([badId.status, badId.body.errors[0].field]).toEqual([400, 'id']);
    expect((await http().get('/projects?limit=100000').set(as())).status).toBe(400);
    expect((await http().get('/projects?offset=-1').set(as())).status).toBe(400);
    const malformed = await http().post('/projects').set(as()).set('content-type', 'application/json').send('{"villageId":');
    expect([malformed.status, malformed.body.code]).toEqual([400, 'REQUEST.MALFORMED']);
    const long = await http()
      .post('/deeds')
      .set(as())
      .send({
        villageId: village,
        category: 'other',
        title: '长'.repeat(201),
        doneOn: dayFromToday(0),
        householdsHelped: 1,
      });
    expect([long.status, long.body.errors[0].field]).toEqual([400, 'title']);
    const goals = await http()
      .post('/pairings')
      .set(as())
      .send({
        villageId: village,
        helperUnitName: 'x',
        from: dayFromToday(0),
        to: dayFromToday(1),
        goals: [],
        lagging: false,
      });
    expect([goals.status, goals.body.errors[0].field]).toEqual([400, 'goals']);
    for (const fiveFixedPoints of [[], [{}]]) {
      const listed = await http()
        .post('/pairings')
        .set(as())
        .send({
          villageId: village,
          helperUnitName: 'x',
          from: dayFromToday(0),
          to: dayFromToday(1),
          goals: ['修路'],
          lagging: false,
          fiveFixedPoints,
        });
      expect([listed.status, listed.body.errors?.[0]?.field]).toEqual([400, 'fiveFixedPoints']);
    }
    const future = await plan(dayFromToday(2));
    expect([future.status, future.body.code]).toEqual([422, 'DAY.IN_FUTURE']);
  });

  it('measures a text as its event does: one that fits the form but not the event is 400 naming it, and nothing is kept', async () => {
    // class-validator left out the variation selector of ✔️; the event contract counts it. The
    // milestone was stored, and every later event of its project failed its contract (500); the
    // disbursement failed at once, and its key was kept as of unknown outcome.
    const ticks = '✔️'.repeat(101);
    const titled = await http()
      .post(`/projects/${projectId}/milestones`)
      .set(as())
      .send({ title: ticks, dueOn: dayFromToday(10) });
    expect([titled.status, titled.body.errors?.[0]?.field]).toEqual([400, 'title']);
    const key = randomUUID();
    const pay = () =>
      http()
        .post(`/projects/${projectId}/disbursements`)
        .set(as())
        .set('Idempotency-Key', key)
        .send({ source: 'fiscal', amountFen: 1, on: dayFromToday(0), purpose: '✔️'.repeat(300) });
    const paid = await pay();
    expect([paid.status, paid.body.errors?.[0]?.field]).toEqual([400, 'purpose']);
    expect((await pay()).status).toBe(400);
    const kept = await db.query(
      `select (select count(*) from assistance.milestones where project_id = $1 and title = $2)::int as milestones,
              (select count(*) from assistance.fund_movements where project_id = $1 and purpose like '✔%')::int as movements`,
      [projectId, ticks],
    );
    expect(kept.rows[0]).toEqual({ milestones: 0, movements: 0 });
  });

  it('caps a budget at one hundred million yuan: past it 400 naming budgetFen, so no subtree total can overflow', async () => {
    const over = await http()
      .post('/projects')
      .set(as())
      .send({
        villageId: village,
        name: '道路',
        category: 'road_hardening',
        budgetFen: 10_000_000_001,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-1),
      });
    expect([over.status, over.body.errors[0].field]).toEqual([400, 'budgetFen']);
  });

  it('takes an id in upper case as the same id: a project planned for VILLAGE reads back under project ID', async () => {
    const planned = await http()
      .post('/projects')
      .set(as())
      .send({
        villageId: village.toUpperCase(),
        name: '道路',
        category: 'road_hardening',
        budgetFen: 1000,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-1),
      });
    expect(planned.status).toBe(201);
    const read = await http()
      .get(`/projects/${String(planned.body.id).toUpperCase()}`)
      .set(as());
    expect([read.status, read.body.id, read.body.orgId]).toEqual([200, planned.body.id, village]);
  });

  it('plans a project under a pairing only in the paired village: 422 PROJECT.PAIRING_ELSEWHERE naming its rule, as a deed is refused', async () => {
    const pairingId = await pairingOf(await freshVillage(db, '910425101'), '松岭旗交通局');
    const planned = await plan(dayFromToday(-1), { pairingId });
    expect([planned.status, planned.body.code]).toEqual([422, 'PROJECT.PAIRING_ELSEWHERE']);
    expect(planned.body.message).toContain('[rule project-pairing-with-the-village@1]');
  });

  it('answers a pairing of another county as it answers no pairing: 404, not a 422 that says it exists', async () => {
    const pairingId = await pairingOf(await freshVillage(db, '910426'), '河口县农牧局');
    const unknown = randomUUID();
    for (const id of [pairingId, unknown]) {
      const project = await plan(dayFromToday(-1), { pairingId: id });
      const deed = await http()
        .post('/deeds')
        .set(as())
        .send({ villageId: village, pairingId: id, category: 'other', title: '送医上门', doneOn: dayFromToday(0), householdsHelped: 1 });
      expect({ id, project: [project.status, project.body.code], deed: [deed.status, deed.body.code] }).toEqual({
        id,
        project: [404, 'PAIRING.NOT_FOUND'],
        deed: [404, 'PAIRING.NOT_FOUND'],
      });
    }
  });

  it('dispatches a member to a village once for any day: twelve identical dispatches at once give one 201 and eleven 409', async () => {
    const member = await rosterMember(db, village);
    const send = () =>
      http()
        .post('/cadres')
        .set(as())
        .send({
          villageId: village,
          memberId: member,
          role: 'first_secretary',
          sendingUnitName: '旗财政局',
          from: dayFromToday(-10),
          to: dayFromToday(300),
        });
    const answers = await Promise.all(Array.from({ length: 12 }, send));
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(11).fill(409)]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'CADRE.ALREADY_DISPATCHED')).toBe(true);
    const { rows } = await db.query(`select count(*)::int as n from cadres where member_id = $1`, [member]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('keeps ID-card and phone numbers off the public page: a project name or milestone title carrying one is 400 naming it', async () => {
    const named = await http()
      .post('/projects')
      .set(as())
      .send({
        villageId: village,
        name: '王秀兰家 138 1234 5678',
        category: 'road_hardening',
        budgetFen: 1000,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-1),
      });
    expect([named.status, named.body.code]).toEqual([400, 'TEXT.PERSONAL_NUMBERS']);
    expect(named.body.message).toContain('name');
    const titled = await http()
      .post(`/projects/${projectId}/milestones`)
      .set(as())
      .send({ title: '户主身份证110101199003077777', dueOn: dayFromToday(10) });
    expect([titled.status, titled.body.code]).toEqual([400, 'TEXT.PERSONAL_NUMBERS']);
    expect(titled.body.message).toContain('title');
    const rows = await db.query(`select 1 from assistance.milestones where project_id = $1 and title like '%1101011990%'`, [projectId]);
    expect(rows.rowCount).toBe(0);
  });

  it('dates no money before the project was planned: 422 DAY.BEFORE_ORIGIN, and nothing in the ledger', async () => {
    const approved = (await plan()).body.id as string;
    expect(
      (
        await http()
          .post(`/projects/${approved}/approve`)
          .set(as())
          .send({ on: dayFromToday(0) })
      ).status,
    ).toBe(200);
    const early = await http()
      .post(`/projects/${approved}/allocations`)
      .set(as())
      .set('Idempotency-Key', randomUUID())
      .send({ source: 'social', amountFen: 500, on: dayFromToday(-2) });
    expect([early.status, early.body.code]).toEqual([422, 'DAY.BEFORE_ORIGIN']);
    const movements = await db.query(`select 1 from assistance.fund_movements where project_id = $1`, [approved]);
    expect(movements.rowCount).toBe(0);
  });

  it('accepts a project no earlier than its money last moved: 422 DAY.BEFORE_ORIGIN, and it stays completed', async () => {
    const id = (await plan(dayFromToday(-10))).body.id as string;
    const post = (path: string, body: object, key = false) => {
      const r = http().post(`/projects/${id}/${path}`).set(as());
      return (key ? r.set('Idempotency-Key', randomUUID()) : r).send(body);
    };
    expect((await post('approve', { on: dayFromToday(-10) })).status).toBe(200);
    expect((await post('start', { on: dayFromToday(-9) })).status).toBe(200);
    expect((await post('allocations', { source: 'social', amountFen: 500, on: dayFromToday(-8) }, true)).status).toBe(201);
    expect((await post('complete', { on: dayFromToday(-5) })).status).toBe(200);
    // Paid after completion (allowed until acceptance), dated two days ago.
    expect((await post('disbursements', { source: 'social', amountFen: 100, on: dayFromToday(-2), purpose: '尾款' }, true)).status).toBe(
      201,
    );
    const early = await post('accept', { on: dayFromToday(-3) });
    expect([early.status, early.body.code]).toEqual([422, 'DAY.BEFORE_ORIGIN']);
    const stored = await db.query(`select status from assistance.projects where id = $1`, [id]);
    expect(stored.rows[0]).toEqual({ status: 'completed' });
    expect((await post('accept', { on: dayFromToday(-2) })).status).toBe(200);
  });

  it('limits the public page per address: a flood gets 429 with Retry-After and no village data', async () => {
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < disclosureBudget + 3; i++) {
      const res = await http().get(`/public/villages/${village}`);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses.slice(0, disclosureBudget)).toEqual(Array(disclosureBudget).fill(200));
    expect(statuses.slice(disclosureBudget)).toEqual([429, 429, 429]);
    expect(refused!.body.code).toBe('LIMIT.TOO_MANY');
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(refused!.body)).not.toContain(village);
  });
});

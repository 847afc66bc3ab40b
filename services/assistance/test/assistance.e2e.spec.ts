import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage, rosterMember } from './support/assistance-test-app';

const BAIHUA_TOWN = '910425101';
const HEKOU_TOWN = '910425102';
const HEKOU_COUNTY = '910426';

/**
 * The assistance service end to end with Keycloak's real tokens: pairings, the project lifecycle
 * with its funds, field work logged once, the overdue lists, scope refusals and the public page
 * (hostile input: hostile-input.e2e.spec.ts). Villages are the suite's own (fresh ids in the roster copy).
 */
describe('assistance service', () => {
  let app: INestApplication;
  let db: Pool;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  let village: string;
  let hekouTownVillage: string;
  let otherCountyVillage: string;

  beforeAll(async () => {
    app = await createAssistanceTestApp();
    db = assistanceDb();
    for (const u of ['admin.user', 'county.assistance', 'township.secretary', 'other.township.secretary', 'no.role'])
      tokens[u] = await tokenFor(u);
    village = await freshVillage(db, BAIHUA_TOWN, { name: '红旗村' });
    hekouTownVillage = await freshVillage(db, HEKOU_TOWN);
    otherCountyVillage = await freshVillage(db, HEKOU_COUNTY);
  });

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  const plan = (user: string, villageId: string, budgetFen = 1_000_000) =>
    http()
      .post('/projects')
      .set(as(user))
      .send({
        villageId,
        name: '村内主干道硬化',
        category: 'road_hardening',
        budgetFen,
        beneficiaryHouseholds: 86,
        plannedOn: dayFromToday(-30),
      });

  describe('pairings', () => {
    const pairing = (extra: Record<string, unknown>) => ({
      villageId: village,
      helperUnitName: '旗交通运输局',
      from: dayFromToday(-10),
      to: dayFromToday(700),
      goals: ['硬化村内主干道3公里'],
      lagging: false,
      ...extra,
    });
    const fivePoints = (townshipOrgId: string) => ({
      leaderSub: randomUUID(),
      townshipOrgId,
      helperUnitName: '旗交通运输局',
      cadreMemberId: randomUUID(),
      supervisingOffice: '组织部组织股',
    });

    it('forms a pairing and refuses a lagging village without its plan and five fixed points (422 naming the rule)', async () => {
      const ok = await http().post('/pairings').set(as('county.assistance')).send(pairing({}));
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ orgId: village, villageName: '红旗村', lagging: false });

      const bare = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ lagging: true }));
      expect(bare.status).toBe(422);
      expect(bare.body.code).toBe('PAIRING.LAGGING_VILLAGE_INCOMPLETE');
      expect(bare.body.message).toContain('[rule lagging-village-plan@1]');

      const full = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(
          pairing({ lagging: true, villagePlan: '一村一策：整顿班子，发展肉羊养殖', fiveFixedPoints: fivePoints(demoOrgId(BAIHUA_TOWN)) }),
        );
      expect(full.status).toBe(201);
      expect(full.body.fiveFixedPoints.supervisingOffice).toBe('组织部组织股');

      const wrongTown = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ lagging: true, villagePlan: '一村一策', fiveFixedPoints: fivePoints(demoOrgId(HEKOU_TOWN)) }));
      expect(wrongTown.status).toBe(422);
      expect(wrongTown.body.code).toBe('PAIRING.TOWNSHIP_NOT_ABOVE_VILLAGE');

      // A helper unit named by id is an active organisation the platform knows, of any county.
      const nobody = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ helperOrgId: randomUUID() }));
      expect([nobody.status, nobody.body.code]).toEqual([422, 'HELPER_UNIT.UNKNOWN']);
      const known = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ helperOrgId: demoOrgId(BAIHUA_TOWN) }));
      expect(known.status).toBe(201);
    });

    it('refuses a township as the village paired (422), and a village outside the caller’s county as unknown (404)', async () => {
      const town = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ villageId: demoOrgId(BAIHUA_TOWN) }));
      expect(town.status).toBe(422);
      expect(town.body.code).toBe('ORGANIZATION.NOT_A_VILLAGE');
      const foreign = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ villageId: otherCountyVillage }));
      const unknown = await http()
        .post('/pairings')
        .set(as('county.assistance'))
        .send(pairing({ villageId: randomUUID() }));
      expect([foreign.status, unknown.status]).toEqual([404, 404]);
      expect(foreign.body.code).toBe(unknown.body.code);
    });
  });

  describe('a project through its lifecycle, with its funds', () => {
    it('moves planned → approved → in progress → completed → accepted → evaluated; money only as the rules allow', async () => {
      const p = await plan('county.assistance', village, 1_000_000);
      expect(p.status).toBe(201);
      const id = p.body.id as string;
      // A key on every step: the money movements take none without one (ADR 0072).
      const post = (path: string, body: object) =>
        http().post(`/projects/${id}${path}`).set(as('county.assistance')).set('Idempotency-Key', randomUUID()).send(body);

      // No money on a plan; no step skipped.
      const early = await post('/allocations', { source: 'fiscal', amountFen: 100, on: dayFromToday(0) });
      expect([early.status, early.body.code]).toEqual([422, 'FUNDS.PROJECT_NOT_OPEN']);
      const skip = await post('/start', { on: dayFromToday(0) });
      expect([skip.status, skip.body.code]).toEqual([409, 'PROJECT.WRONG_STATE']);

      const milestone = await post('/milestones', { title: '路基完工', dueOn: dayFromToday(-1) });
      expect(milestone.status).toBe(201);
      expect((await post('/approve', { on: dayFromToday(-20) })).status).toBe(200);
      // Money moves from the approval's day, not from the plan's (a probe dated it in between).
      const beforeApproval = await post('/allocations', { source: 'fiscal', amountFen: 100, on: dayFromToday(-21) });
      expect([beforeApproval.status, beforeApproval.body.code]).toEqual([422, 'DAY.BEFORE_ORIGIN']);
      expect(String(beforeApproval.body.message)).toContain('项目批准');

      const overBudget = await post('/allocations', { source: 'fiscal', amountFen: 1_000_001, on: dayFromToday(-19) });
      expect([overBudget.status, overBudget.body.code]).toEqual([422, 'FUNDS.OVER_BUDGET']);
      const a1 = await post('/allocations', { source: 'fiscal', amountFen: 600_000, on: dayFromToday(-19) });
      const a2 = await post('/allocations', { source: 'helper_unit', amountFen: 400_000, on: dayFromToday(-18) });
      expect([a1.status, a1.body.balanceFen, a2.body.balanceFen]).toEqual([201, 600_000, 400_000]);

      expect((await post('/start', { on: dayFromToday(-15) })).status).toBe(200);
      const paidBeforeApproval = await post('/disbursements', { source: 'fiscal', amountFen: 1, on: dayFromToday(-25), purpose: '进度款' });
      expect([paidBeforeApproval.status, paidBeforeApproval.body.code]).toEqual([422, 'DAY.BEFORE_ORIGIN']);
      const d1 = await post('/disbursements', { source: 'fiscal', amountFen: 250_000, on: dayFromToday(-10), purpose: '进度款' });
      expect([d1.status, d1.body.balanceFen]).toEqual([201, 350_000]);
      // Another source's money does not cover this one's.
      const over = await post('/disbursements', { source: 'helper_unit', amountFen: 400_001, on: dayFromToday(-10), purpose: '超额' });
      expect([over.status, over.body.code]).toEqual([422, 'FUNDS.INSUFFICIENT_BALANCE']);
      expect(over.body.message).toContain('[rule balance-covers-amount@1]');

      // A correction is a reversing entry; the original stays and cannot be reversed twice.
      const rev = await post(`/movements/${d1.body.movementId}/reversal`, { on: dayFromToday(-9), reason: '重复录入' });
      expect([rev.status, rev.body.balanceFen]).toEqual([201, 600_000]);
      const again = await post(`/movements/${d1.body.movementId}/reversal`, { on: dayFromToday(-9), reason: '再冲' });
      expect([again.status, again.body.code]).toEqual([409, 'FUNDS.ALREADY_REVERSED']);
      const ofReversal = await post(`/movements/${rev.body.movementId}/reversal`, { on: dayFromToday(-9), reason: '冲正的冲正' });
      expect([ofReversal.status, ofReversal.body.code]).toEqual([422, 'FUNDS.REVERSAL_NOT_REVERSIBLE']);
      const ledger = await http().get(`/projects/${id}/movements`).set(as('county.assistance'));
      expect(ledger.body.map((m: { kind: string; amountFen: number }) => [m.kind, m.amountFen])).toEqual([
        ['allocation', 600_000],
        ['allocation', 400_000],
        ['disbursement', 250_000],
        ['reversal', 250_000],
      ]);
      expect(ledger.body[2].reversedBy).toBe(rev.body.movementId);
      await expect(db.query(`update fund_movements set amount_fen = 1 where project_id = $1`, [id])).rejects.toThrow(/append-only/);

      // Late milestone listed until reached; completion waits for it.
      const late = await http().get(`/overdue/milestones?villageId=${village}`).set(as('county.assistance'));
      expect(late.body.map((m: { projectId: string }) => m.projectId)).toContain(id);
      const notYet = await post('/complete', { on: dayFromToday(0) });
      expect([notYet.status, notYet.body.code]).toEqual([422, 'PROJECT.MILESTONES_OPEN']);
      expect((await post(`/milestones/${milestone.body.id}/reached`, { reachedOn: dayFromToday(0) })).status).toBe(200);
      const lateAfter = await http().get(`/overdue/milestones?villageId=${village}`).set(as('county.assistance'));
      expect(lateAfter.body.map((m: { projectId: string }) => m.projectId)).not.toContain(id);

      for (const step of ['complete', 'accept']) expect((await post(`/${step}`, { on: dayFromToday(0) })).status).toBe(200);
      const done = await post('/evaluate', { on: dayFromToday(0), satisfaction: 'satisfied' });
      expect(done.body).toMatchObject({
        status: 'evaluated',
        satisfaction: 'satisfied',
        allocatedFen: 1_000_000,
        disbursedFen: 0,
        approvedOn: dayFromToday(-20),
      });
      const closed = await post('/disbursements', { source: 'fiscal', amountFen: 1, on: dayFromToday(0), purpose: '验收后' });
      expect(closed.body.code).toBe('FUNDS.PROJECT_NOT_OPEN');

      const events = await db.query<{ event_type: string }>(`select event_type from vanguard_outbox where stream_id = $1 order by id`, [
        `project-${id}`,
      ]);
      expect(events.rows.map((r) => r.event_type.replace('assistance.', ''))).toEqual([
        'ProjectPlanned',
        'ProjectApproved',
        'FundsAllocated',
        'FundsAllocated',
        'ProjectStarted',
        'FundsDisbursed',
        'FundMovementReversed',
        'MilestoneReached',
        'ProjectCompleted',
        'ProjectAccepted',
        'ProjectEvaluated',
      ]);
    });
  });

  describe('scope', () => {
    it('an officer of one county cannot touch, or learn of, another county’s project; another township’s is not found', async () => {
      const foreign = await plan('admin.user', otherCountyVillage);
      expect(foreign.status).toBe(201);
      const id = foreign.body.id as string;
      const unknown = randomUUID();
      for (const path of ['/approve', '/allocations', '/disbursements']) {
        const body = { on: dayFromToday(0), source: 'fiscal', amountFen: 1, purpose: 'x' };
        const send = (pid: string) =>
          http()
            .post(`/projects/${pid}${path}`)
            .set(as('county.assistance'))
            .set('Idempotency-Key', randomUUID())
            .send(path === '/approve' ? { on: body.on } : path === '/allocations' ? { ...body, purpose: undefined } : body);
        const [theirs, none] = [await send(id), await send(unknown)];
        expect([theirs.status, theirs.body.code]).toEqual([404, 'PROJECT.NOT_FOUND']);
        expect(theirs.body.message.replace(id, '<id>')).toBe(none.body.message.replace(unknown, '<id>'));
      }
      expect((await http().get(`/projects/${id}`).set(as('county.assistance'))).status).toBe(404);
      const list = await http().get('/projects?limit=200').set(as('county.assistance'));
      expect(list.body.map((p: { id: string }) => p.id)).not.toContain(id);

      const hekou = await plan('county.assistance', hekouTownVillage);
      expect((await http().get(`/projects/${hekou.body.id}`).set(as('township.secretary'))).status).toBe(404);
      expect((await http().get(`/projects/${hekou.body.id}`).set(as('other.township.secretary'))).status).toBe(200);
      // A branch secretary reads in their township but does not approve projects.
      expect(
        (
          await http()
            .post(`/projects/${hekou.body.id}/approve`)
            .set(as('other.township.secretary'))
            .send({ on: dayFromToday(0) })
        ).status,
      ).toBe(403);
      expect((await http().get('/projects').set(as('no.role'))).status).toBe(403);
      expect((await http().get('/projects')).status).toBe(401);
    });
  });

  describe('field work: cadres, contact cards, visits and deeds, each logged once', () => {
    it('logs visits only to card holders, refuses a second log of the same visit or deed, and lists who is overdue this quarter', async () => {
      const member = await rosterMember(db, village);
      const unknownMember = await http()
        .post('/cadres')
        .set(as('county.assistance'))
        .send({
          villageId: village,
          memberId: randomUUID(),
          role: 'first_secretary',
          sendingUnitName: '旗财政局',
          from: dayFromToday(-100),
          to: dayFromToday(600),
        });
      expect([unknownMember.status, unknownMember.body.code]).toEqual([422, 'CADRE.NOT_AN_ACTIVE_MEMBER']);
      const cadre = await http()
        .post('/cadres')
        .set(as('county.assistance'))
        .send({
          villageId: village,
          memberId: member,
          role: 'first_secretary',
          sendingUnitName: '旗财政局',
          from: dayFromToday(-100),
          to: dayFromToday(600),
        });
      expect(cadre.status).toBe(201);
      const cadreId = cadre.body.id as string;
      const household = async (label: string, headName: string) =>
        (await http().post('/households').set(as('township.secretary')).send({ villageId: village, label, headName })).body.id as string;
      const [h1, h2, h3] = [
        await household('一组1号', '王秀兰'),
        await household('一组2号', '李春生'),
        await household('一组3号', '赵德胜'),
      ];
      // 白桦镇's secretary cannot register a household in 河口镇: that village is not theirs to know.
      const elsewhere = await http()
        .post('/households')
        .set(as('township.secretary'))
        .send({ villageId: hekouTownVillage, label: '二组1号', headName: '孙立' });
      expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'ORGANIZATION.NOT_FOUND']);
      for (const h of [h1, h2])
        expect((await http().post(`/cadres/${cadreId}/contact-cards`).set(as('township.secretary')).send({ householdId: h })).status).toBe(
          204,
        );
      const twice = await http().post(`/cadres/${cadreId}/contact-cards`).set(as('township.secretary')).send({ householdId: h1 });
      expect([twice.status, twice.body.code]).toEqual([409, 'CARD.ALREADY_ISSUED']);

      const visit = (body: object) => http().post(`/cadres/${cadreId}/visits`).set(as('township.secretary')).send(body);
      const noCard = await visit({ visitedOn: dayFromToday(0), householdIds: [h1, h3], summary: '走访' });
      expect([noCard.status, noCard.body.code]).toEqual([422, 'VISIT.HOUSEHOLD_WITHOUT_CARD']);
      const future = await visit({ visitedOn: dayFromToday(1), householdIds: [h1], summary: '走访' });
      expect([future.status, future.body.code]).toEqual([422, 'DAY.IN_FUTURE']);
      const visitId = randomUUID();
      expect((await visit({ visitId, visitedOn: dayFromToday(0), householdIds: [h1], summary: '了解春耕困难' })).status).toBe(201);
      const repeat = await visit({ visitId, visitedOn: dayFromToday(0), householdIds: [h1], summary: '了解春耕困难' });
      expect([repeat.status, repeat.body.code]).toEqual([409, 'VISIT.ALREADY_LOGGED']);

      const overdue = await http().get(`/overdue/visits?villageId=${village}`).set(as('township.secretary'));
      const ids = overdue.body.items.map((i: { householdId: string }) => i.householdId);
      expect(ids).toContain(h2); // card holder, not visited this quarter
      expect(ids).not.toContain(h1); // visited today
      expect(ids).not.toContain(h3); // holds no card
      expect(overdue.body.quarter).toMatch(/^\d{4}-Q[1-4]$/);

      const deed = {
        villageId: village,
        cadreId,
        category: 'drinking_water',
        title: '修复饮水井',
        doneOn: dayFromToday(-1),
        householdsHelped: 12,
        amountFen: 800_000,
      };
      expect((await http().post('/deeds').set(as('township.secretary')).send(deed)).status).toBe(201);
      const dup = await http().post('/deeds').set(as('county.assistance')).send(deed);
      expect([dup.status, dup.body.code]).toEqual([409, 'DEED.ALREADY_LOGGED']);
      const wrongCadre = await http()
        .post('/deeds')
        .set(as('county.assistance'))
        .send({ ...deed, villageId: hekouTownVillage, title: '别村实事' });
      expect([wrongCadre.status, wrongCadre.body.code]).toEqual([422, 'DEED.CADRE_ELSEWHERE']);

      const published = await db.query<{ envelope: { data: Record<string, unknown> } }>(
        `select envelope from vanguard_outbox where stream_id in ($1, $2) order by id`,
        [`field-diary-${cadreId}`, `cadre-${cadreId}`],
      );
      const text = JSON.stringify(published.rows);
      expect(published.rows).toHaveLength(2); // CadreDispatched, one VisitLogged
      for (const secret of ['王秀兰', '一组1号', '了解春耕困难']) expect(text).not.toContain(secret);
    });
  });

  describe('public disclosure', () => {
    it('shows a village’s projects and money without a token, and no household, cadre or deed text', async () => {
      const p = await plan('county.assistance', village, 500_000);
      await http()
        .post(`/projects/${p.body.id}/approve`)
        .set(as('county.assistance'))
        .send({ on: dayFromToday(0) });
      await http().post('/households').set(as('county.assistance')).send({ villageId: village, label: '三组9号', headName: '周桂芝' });
      const page = await http().get(`/public/villages/${village}`);
      expect(page.status).toBe(200);
      expect(page.body.villageName).toBe('红旗村');
      expect(page.body.projects.some((x: { budgetFen: number }) => x.budgetFen === 500_000)).toBe(true);
      const text = JSON.stringify(page.body);
      for (const secret of ['周桂芝', '三组9号', '王秀兰', '修复饮水井', 'cadre', 'householdId']) expect(text).not.toContain(secret);
      expect((await http().get(`/public/villages/${demoOrgId(BAIHUA_TOWN)}`)).status).toBe(404);
    });
  });
});

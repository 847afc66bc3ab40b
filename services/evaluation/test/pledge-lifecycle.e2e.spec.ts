import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { PHASES } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const COUNTY = demoOrgId('910425');
const VILLAGE = demoOrgId('910425101201');
const TOWNSHIP = demoOrgId('910425101');

/** 公开承诺 → 把关备案 → 公开 → 践诺 → 兑现 → 评诺 through HTTP, with real Keycloak tokens for each role. */
describe('pledge lifecycle (e2e)', () => {
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  let campaignId: string;
  let cycleId: string;
  let pledgeId: string;

  const pledgeBody = (over: Record<string, unknown> = {}) => ({
    campaignId,
    cycleId,
    pledger: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    category: 'deed_for_masses',
    content: '为村里修通3公里通组路',
    dueOn: '2011-06-20',
    ...over,
  });

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['county.organizer', 'township.secretary', 'other.township.secretary', 'village.secretary', 'province.auditor'])
      tokens[u] = await tokenFor(u);
    const c = await http()
      .post('/campaigns')
      .set(as('county.organizer'))
      .send({ orgId: COUNTY, name: '松岭旗创先争优活动', phases: PHASES });
    expect(c.status).toBe(201);
    campaignId = c.body.campaignId;
    const q = await http()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({
        quarter: '2011-Q2',
        startsOn: '2011-04-01',
        endsOn: '2011-06-30',
        themes: { default: '服务群众', bySector: { rural: '领头雁工程' } },
      });
    expect(q.status).toBe(201);
    cycleId = q.body.cycleId;
    expect((await http().post(`/campaigns/${campaignId}/cycles/${cycleId}/open`).set(as('county.organizer'))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs a pledge from making to rating, and the ledger counts it', async () => {
    const made = await http().post('/pledges').set(as('village.secretary')).send(pledgeBody());
    expect(made.status).toBe(201);
    pledgeId = made.body.pledgeId;

    const step = async (user: string, verb: string, body: object = {}) => {
      const res = await http().post(`/pledges/${pledgeId}/${verb}`).set(as(user)).send(body);
      expect({ verb, status: res.status, body: res.body }).toMatchObject({ verb, status: 200 });
      return res.body.version as number;
    };
    expect(await step('township.secretary', 'file', { reason: '内容具体可检验' })).toBe(2);
    expect(await step('village.secretary', 'publish')).toBe(3);
    // Progress is the pledger's to report: a level above in scope is refused (a probe's county evaluator reported 100 %; here the township that files it).
    const above = await http().post(`/pledges/${pledgeId}/progress`).set(as('township.secretary')).send({ note: '已完成', percent: 100 });
    expect([above.status, above.body.code]).toEqual([403, 'PLEDGE.NOT_PLEDGER']);
    expect(await step('village.secretary', 'progress', { note: '路基完成一半', percent: 50 })).toBe(4);
    expect(await step('township.secretary', 'fulfil', { reason: '现场验收通过' })).toBe(5);
    // The pledger does not record the masses' rating of its own pledge (a probe: 1,000,000 satisfied votes).
    const own = await http()
      .post(`/pledges/${pledgeId}/rate`)
      .set(as('village.secretary'))
      .send({ satisfied: 1_000_000, basicallySatisfied: 0, dissatisfied: 0 });
    expect([own.status, own.body.code]).toEqual([403, 'PLEDGE.NOT_FILING_LEVEL']);
    expect(await step('township.secretary', 'rate', { satisfied: 40, basicallySatisfied: 8, dissatisfied: 2 })).toBe(6);

    const view = await waitUntil('the projection to reach the rating', async () => {
      const res = await http().get(`/pledges/${pledgeId}`).set(as('village.secretary'));
      return res.status === 200 && res.body.version === 6 ? (res.body as Record<string, unknown>) : undefined;
    });
    expect(view).toMatchObject({ status: 'fulfilled', percent: 100, filedByOrgId: TOWNSHIP, satisfactionPermille: 960, orgId: VILLAGE });

    const ledger = await http().get('/pledges/ledger').query({ subtreeOf: COUNTY, cycleId }).set(as('province.auditor'));
    expect(ledger.status).toBe(200);
    expect(ledger.body).toMatchObject({ made: 1, filed: 1, returned: 0, fulfilled: 1, lapsed: 0, fulfilmentRatePermille: 1000 });

    const list = await http().get('/pledges').query({ subtreeOf: TOWNSHIP, cycleId }).set(as('township.secretary'));
    expect(list.body.items.map((p: { pledgeId: string }) => p.pledgeId)).toEqual([pledgeId]);
  });

  it('answers another township’s secretary as if the pledge did not exist', async () => {
    const unknown = randomUUID();
    for (const [method, path] of [
      ['post', 'file'],
      ['post', 'lapse'],
      ['get', ''],
    ] as const) {
      const mine = await http()
        [method](`/pledges/${pledgeId}${path ? `/${path}` : ''}`)
        .set(as('other.township.secretary'))
        .send({ reason: 'x' });
      const none = await http()
        [method](`/pledges/${unknown}${path ? `/${path}` : ''}`)
        .set(as('other.township.secretary'))
        .send({ reason: 'x' });
      expect(mine.status).toBe(404);
      expect(mine.body.code).toBe('PLEDGE.NOT_FOUND');
      expect(none.status).toBe(404);
      expect(String(mine.body.message).replace(pledgeId, '<id>')).toBe(String(none.body.message).replace(unknown, '<id>'));
    }
    const ledger = await http().get('/pledges/ledger').query({ subtreeOf: TOWNSHIP, cycleId }).set(as('other.township.secretary'));
    expect(ledger.status).toBe(403);
  });

  it('refuses bad input with the field, broken rules with their code, and auditors’ commands', async () => {
    const bad = await http()
      .post('/pledges')
      .set(as('village.secretary'))
      .send(pledgeBody({ dueOn: 'next week', category: 'gift' }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('dueOn');
    expect(JSON.stringify(bad.body)).toContain('category');

    const late = await http()
      .post('/pledges')
      .set(as('village.secretary'))
      .send(pledgeBody({ dueOn: '2011-07-15' }));
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('PLEDGE.DUE_OUTSIDE_CYCLE');

    const self = await http().post('/pledges').set(as('village.secretary')).send(pledgeBody());
    const selfFiled = await http().post(`/pledges/${self.body.pledgeId}/file`).set(as('village.secretary')).send({});
    expect(selfFiled.status).toBe(403);
    expect(selfFiled.body.code).toBe('PLEDGE.NOT_LEVEL_ABOVE');

    // A reason given blank is malformed (400 naming it); none at all, the domain's rule (PLEDGE.REASON_REQUIRED).
    const returned = await http().post(`/pledges/${self.body.pledgeId}/return`).set(as('township.secretary')).send({ reason: ' ' });
    expect([returned.status, returned.body.code, returned.body.errors?.[0]?.field]).toEqual([400, 'REQUEST.INVALID', 'reason']);
    const bare = await http().post(`/pledges/${self.body.pledgeId}/return`).set(as('township.secretary')).send({});
    expect([bare.status, bare.body.code]).toEqual([400, 'PLEDGE.REASON_REQUIRED']);

    const twice = await http().post(`/pledges/${pledgeId}/publish`).set(as('village.secretary'));
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('PLEDGE.NOT_FILED');

    const auditor = await http().post('/pledges').set(as('province.auditor')).send(pledgeBody());
    expect(auditor.status).toBe(403);
  });

  it('keeps campaigns to organisers in their own subtree, one open cycle at a time', async () => {
    const bySecretary = await http()
      .post('/campaigns')
      .set(as('township.secretary'))
      .send({ orgId: TOWNSHIP, name: '镇活动', phases: PHASES });
    expect(bySecretary.status).toBe(403);
    const otherCounty = await http()
      .post('/campaigns')
      .set(as('county.organizer'))
      .send({ orgId: demoOrgId('910426'), name: '河口县活动', phases: PHASES });
    expect(otherCounty.status).toBe(403);
    expect(otherCounty.body.code).toBe('AUTH.OUT_OF_SCOPE');
    const q3 = await http()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: '2011-Q3', startsOn: '2011-07-01', endsOn: '2011-09-30', themes: { default: '对标定位' } });
    expect(q3.status).toBe(201);
    const both = await http().post(`/campaigns/${campaignId}/cycles/${q3.body.cycleId}/open`).set(as('county.organizer'));
    expect(both.status).toBe(422);
    expect(both.body.code).toBe('CAMPAIGN.CYCLE_ALREADY_OPEN');
    const badQuarter = await http()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: 'Q3', startsOn: '2011-07-01', endsOn: '2011-09-30', themes: { default: '对标定位' } });
    expect(badQuarter.status).toBe(400);
    expect(JSON.stringify(badQuarter.body)).toContain('quarter');
    // Themes as an array (each element read as the object before), or a sector's theme that is not a text: 400, nothing planned.
    for (const themes of [
      [],
      [{ default: 'x' }],
      { default: 'x', bySector: { rural: { a: [1, 2] } } },
      { default: 'x', bySector: { x: '12' } },
      // Blank as a reader sees it: a zero-width space, Braille and ideographic blanks.
      { default: 'x', bySector: { rural: '\u200b' } },
      { default: 'x', bySector: { rural: '\u2800\u3000' } },
    ]) {
      const refused = await http()
        .post(`/campaigns/${campaignId}/cycles`)
        .set(as('county.organizer'))
        .send({ quarter: '2011-Q4', startsOn: '2011-10-01', endsOn: '2011-12-31', themes });
      expect([JSON.stringify(themes), refused.status, refused.body.errors?.[0]?.field]).toEqual([
        JSON.stringify(themes),
        400,
        expect.stringMatching(/^themes/),
      ]);
    }
  });
});

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');

/**
 * What a hostile probe of pledges found, through HTTP with real tokens: the township returned the
 * village's pledge, amended its content to "x" and filed it itself; returns and lapses took the
 * reason "\u200b\u2800".
 */
describe('pledges: the pledger amends, reasons are not blank (e2e)', () => {
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  let campaign: { campaignId: string; cycleId: string };
  const post = (user: string, path: string, body: object = {}) =>
    request(app.getHttpServer())
      .post(path)
      .set({ Authorization: `Bearer ${tokens[user]}` })
      .send(body);
  const villagePledge = async () => {
    const made = await post('village.secretary', '/pledges', {
      ...campaign,
      pledger: { kind: 'organization', id: VILLAGE },
      orgId: VILLAGE,
      category: 'deed_for_masses',
      content: '为村里修通3公里通组路',
      dueOn: '2011-06-20',
    });
    expect(made.status).toBe(201);
    return made.body.pledgeId as string;
  };
  const amendment = { category: 'deed_for_masses', content: 'x', dueOn: '2011-06-25' };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['county.organizer', 'township.secretary', 'village.secretary']) tokens[u] = await tokenFor(u);
    campaign = await openCampaign(app, tokens['county.organizer']!);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets only the village amend its returned pledge: the township that files it, and the county above, are refused (403)', async () => {
    const id = await villagePledge();
    expect((await post('township.secretary', `/pledges/${id}/return`, { reason: '请写明户数' })).status).toBe(200);
    for (const user of ['township.secretary', 'county.organizer']) {
      const rewritten = await post(user, `/pledges/${id}/amend`, amendment);
      expect([user, rewritten.status, rewritten.body.code]).toEqual([user, 403, 'PLEDGE.NOT_PLEDGER']);
    }
    // Nothing was amended, so there is nothing to file.
    expect((await post('township.secretary', `/pledges/${id}/file`)).body.code).toBe('PLEDGE.NOT_AWAITING_FILING');
    expect((await post('village.secretary', `/pledges/${id}/amend`, amendment)).status).toBe(200);
    expect((await post('township.secretary', `/pledges/${id}/file`, { reason: '已具体到户' })).status).toBe(200);
  });

  it('refuses a return, a lapse and a filing whose reason is only invisible characters (400 naming reason)', async () => {
    const id = await villagePledge();
    const blankReturn = await post('township.secretary', `/pledges/${id}/return`, { reason: '\u200b\u2800' });
    expect([blankReturn.status, blankReturn.body.code, blankReturn.body.errors?.[0]?.field]).toEqual([400, 'REQUEST.INVALID', 'reason']);
    const blankFiling = await post('township.secretary', `/pledges/${id}/file`, { reason: '\u3000\u200b' });
    expect([blankFiling.status, blankFiling.body.errors?.[0]?.field]).toEqual([400, 'reason']);
    expect((await post('township.secretary', `/pledges/${id}/file`)).status).toBe(200);
    expect((await post('village.secretary', `/pledges/${id}/publish`)).status).toBe(200);
    const blankLapse = await post('township.secretary', `/pledges/${id}/lapse`, { reason: '\u200b\u2800' });
    expect([blankLapse.status, blankLapse.body.errors?.[0]?.field]).toEqual([400, 'reason']);
    const noReason = await post('township.secretary', `/pledges/${id}/lapse`);
    expect([noReason.status, noReason.body.code]).toEqual([400, 'PLEDGE.REASON_REQUIRED']);
    expect((await post('township.secretary', `/pledges/${id}/lapse`, { reason: '资金未到位' })).status).toBe(200);
  });
});

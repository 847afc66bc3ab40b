import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CampaignLaunched, type ContractData, type EventEnvelope } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { COUNTY, VILLAGE, closeProducer, createPublicityTestApp, envelope, produce } from './support/publicity-test-app';

// 创先争优活动 as evaluation launches them, on its real topic, signed as its relay signs: articles
// name the campaign they report on, only inside the subtree it covers, and lists and media
// statistics narrow to one campaign. Real Keycloak tokens.

const BAIHUA = demoOrgId('910425101');

function launched(orgId: string, name: string): EventEnvelope<ContractData<typeof CampaignLaunched>> {
  const campaignId = randomUUID();
  const phase = (phase: 'mobilise' | 'compete' | 'benchmark_upgrade' | 'summarise', startsOn: string, endsOn: string) => ({
    phase,
    startsOn,
    endsOn,
  });
  return envelope(CampaignLaunched.type, `campaign-${campaignId}`, {
    campaignId,
    orgId,
    name,
    phases: [
      phase('mobilise', '2026-04-01', '2026-05-31'),
      phase('compete', '2026-06-01', '2026-09-30'),
      phase('benchmark_upgrade', '2026-10-01', '2026-11-30'),
      phase('summarise', '2026-12-01', '2026-12-31'),
    ],
  });
}

describe('articles and the campaigns they report on', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let editor: string;
  const http = () => request(app.getHttpServer());
  const as = () => ({ Authorization: `Bearer ${editor}` });

  beforeAll(async () => {
    ({ app, schema } = await createPublicityTestApp('publicity_campaigns'));
    editor = await tokenFor('county.editor');
  });
  afterAll(async () => {
    await app?.close();
    await closeProducer();
    await schema?.drop();
  });

  it('campaigns launched in evaluation are listed here (not another county’s); articles in a campaign’s subtree name it, others are refused alike', async () => {
    const county = launched(COUNTY, '2026年松岭旗创先争优活动');
    const township = launched(BAIHUA, '白桦镇创先争优活动');
    // Another county's (河口县): neither above nor within the 松岭旗 editor's organisation.
    const elsewhere = launched(demoOrgId('910426'), '河口县创先争优活动');
    await produce(CampaignLaunched.topic, county, township, elsewhere);
    const known = await waitUntil(
      'both campaigns known',
      async () => {
        const { rows } = await schema.pool.query<{ id: string }>(`select id from campaigns where id = any($1::uuid[])`, [
          [county.data.campaignId, township.data.campaignId, elsewhere.data.campaignId],
        ]);
        return rows.length === 3 && rows;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(known).toHaveLength(3);
    // The county editor sees the campaign over its county and the one within its subtree, with their dates.
    const campaigns = (await http().get('/campaigns').set(as()).expect(200)).body as { id: string; startsOn: string; endsOn: string }[];
    expect(campaigns.map((c) => c.id)).not.toContain(elsewhere.data.campaignId);
    expect(campaigns.filter((c) => c.id === county.data.campaignId || c.id === township.data.campaignId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: county.data.campaignId, startsOn: '2026-04-01', endsOn: '2026-12-31' }),
        expect.objectContaining({ id: township.data.campaignId, orgId: BAIHUA }),
      ]),
    );

    const draft = (orgId: string, campaignId: string) =>
      http().post('/articles').set(as()).send({ orgId, campaignId, title: '红石村创先争优纪实', body: '<p>x</p>' });
    const inVillage = await draft(VILLAGE, township.data.campaignId).expect(201);
    expect(inVillage.body.campaignId).toBe(township.data.campaignId);
    // The county itself lies outside the township's campaign; a campaign nobody launched is refused in the same words.
    const outside = await draft(COUNTY, township.data.campaignId).expect(422);
    const unknown = await draft(COUNTY, randomUUID()).expect(422);
    expect(outside.body.code).toBe('ARTICLE.OUTSIDE_CAMPAIGN');
    expect(outside.body.message).toContain('publicity.article-within-campaign@1');
    expect(unknown.body).toEqual({ ...outside.body, ...pick(unknown.body, ['correlationId', 'instance', 'traceId']) });
    const bad = await draft(VILLAGE, 'not-a-uuid').expect(400);
    expect(JSON.stringify(bad.body)).toContain('campaignId');
    const nothingStored = await schema.pool.query(`select count(*)::int as n from articles where org_id = $1`, [COUNTY]);
    expect(nothingStored.rows).toEqual([{ n: 0 }]);

    const listed = await http().get(`/articles?campaignId=${township.data.campaignId}`).set(as()).expect(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([inVillage.body.id]);
  });

  it('media statistics narrow to the articles reporting on one campaign', async () => {
    const campaign = launched(COUNTY, '统计用活动');
    await produce(CampaignLaunched.topic, campaign);
    await waitUntil(
      'the campaign known',
      async () => (await schema.pool.query(`select 1 from campaigns where id = $1`, [campaign.data.campaignId])).rowCount === 1,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const write = async (campaignId?: string) => {
      const { body } = await http()
        .post('/articles')
        .set(as())
        .send({ orgId: VILLAGE, title: '稿件', body: '<p>x</p>', ...(campaignId ? { campaignId } : {}) })
        .expect(201);
      await http().post(`/articles/${body.id}/submit`).set(as()).expect(200);
      await http()
        .post(`/articles/${body.id}/publications`)
        .set(as())
        .send({ outlet: `内蒙古日报 ${randomUUID().slice(0, 6)}`, level: 'provincial', channel: 'press', publishedOn: '2026-05-01' })
        .expect(201);
    };
    await write(campaign.data.campaignId);
    await write();
    const stats = (campaignId?: string) =>
      http()
        .get(`/media-statistics?orgId=${COUNTY}&from=2026-05-01&to=2026-05-01${campaignId ? `&campaignId=${campaignId}` : ''}`)
        .set(as())
        .expect(200);
    expect((await stats(campaign.data.campaignId)).body.publications).toBe(1);
    expect((await stats(randomUUID())).body.publications).toBe(0);
    expect((await stats()).body.publications).toBeGreaterThanOrEqual(2);
  });
});

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

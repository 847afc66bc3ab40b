import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { recordedPath } from './support/decision-path';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { rosterMember } from './support/roster-fixture';

const COUNTY = demoOrgId('910425');
const TOWNSHIP = demoOrgId('910425101');
const VILLAGE = demoOrgId('910425101201');
const COMMANDS = 50;

/** 一季一先锋 through HTTP with real Keycloak tokens: nominated in the open cycle, selected by a majority. */
describe('quarter pioneers (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let campaign: { campaignId: string; cycleId: string };
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const member = () => ({ kind: 'member', id: randomUUID() });
  /** A member the roster has, active in the village (test apps do not follow the state topics). */
  const enrolled = async (orgId = VILLAGE) => ({ kind: 'member', id: await rosterMember(db, orgId) });
  const nominate = (candidate: { kind: string; id: string }, user = 'village.secretary', over: Record<string, unknown> = {}) =>
    http()
      .post('/pioneers/nominations')
      .set(as(user))
      .send({ ...campaign, orgId: VILLAGE, candidate, deeds: '带领群众修通村道', ...over });
  const select = (candidate: { kind: string; id: string }, user = 'village.secretary', over: Record<string, unknown> = {}) =>
    http()
      .post('/pioneers/selections')
      .set(as(user))
      .send({ cycleId: campaign.cycleId, orgId: VILLAGE, candidate, votesFor: 30, votesCast: 41, reason: '党员大会投票', ...over });
  const eventsOf = async () =>
    (
      await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
        `pioneer-${VILLAGE}-${campaign.cycleId}`,
      ])
    ).rows.map((r) => r.type);

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['county.organizer', 'township.secretary', 'other.township.secretary', 'village.secretary', 'province.auditor'])
      tokens[u] = await tokenFor(u);
    campaign = await openCampaign(app, tokens['county.organizer']!);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('selects a nominee carried by a majority, and the selection explains itself', async () => {
    const candidate = await enrolled();
    expect((await nominate(candidate)).body).toEqual({ version: expect.any(Number) });
    const twice = await nominate(candidate);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('PIONEER.ALREADY_NOMINATED');
    const minority = await select(candidate, 'village.secretary', { votesFor: 20, votesCast: 41 });
    expect(minority.status).toBe(422);
    expect(minority.body.code).toBe('PIONEER.NO_MAJORITY');
    const notNominee = await select(member());
    expect(notNominee.status).toBe(409);
    expect(notNominee.body.code).toBe('PIONEER.NOT_A_NOMINEE');

    const picked = await select(candidate, 'township.secretary');
    expect(picked.status).toBe(201);

    const row = await waitUntil('the projection to show the selection', async () => {
      const res = await http().get('/pioneers').query({ subtreeOf: COUNTY, cycleId: campaign.cycleId }).set(as('province.auditor'));
      const found = (res.body.items as { candidate: { id: string }; status: string }[] | undefined)?.find(
        (p) => p.candidate.id === candidate.id,
      );
      return found?.status === 'selected' ? found : undefined;
    });
    expect(row).toMatchObject({
      orgId: VILLAGE,
      cycleId: campaign.cycleId,
      votesFor: 30,
      votesCast: 41,
      decision: {
        decidedBy: { sub: expect.any(String), role: 'branch_secretary', orgId: TOWNSHIP },
        inputs: [
          { streamId: `pioneer-${VILLAGE}-${campaign.cycleId}`, version: picked.body.version - 1 },
          ...recordedPath([demoOrgId('91'), demoOrgId('9104'), COUNTY, TOWNSHIP, VILLAGE]),
        ],
        rule: { id: 'evaluation.pioneer.majority', version: 1 },
        checks: [{ id: 'evaluation.pioneer.selected-by-organisation', version: 1 }],
        reason: '党员大会投票',
      },
    });
  });

  it('keeps nominations to the open cycle and to the caller’s subtree, 404 for another township', async () => {
    const theirs = await select(member(), 'other.township.secretary');
    const none = await select(member(), 'other.township.secretary', { cycleId: randomUUID() });
    expect([theirs.status, none.status]).toEqual([404, 404]);
    expect({ ...theirs.body, correlationId: null }).toEqual({ ...none.body, correlationId: null });
    const nominateThere = await nominate(member(), 'other.township.secretary');
    expect(nominateThere.status).toBe(403);
    expect(nominateThere.body.code).toBe('AUTH.OUT_OF_SCOPE');
    const list = await http().get('/pioneers').query({ subtreeOf: TOWNSHIP }).set(as('other.township.secretary'));
    expect(list.status).toBe(403);

    const planned = await http()
      .post(`/campaigns/${campaign.campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: '2011-Q3', startsOn: '2011-07-01', endsOn: '2011-09-30', themes: { default: '对标定位' } });
    expect(planned.status).toBe(201);
    const notOpen = await nominate(member(), 'village.secretary', { cycleId: planned.body.cycleId });
    expect(notOpen.status).toBe(422);
    expect(notOpen.body.code).toBe('PIONEER.CYCLE_NOT_OPEN');
    const noCampaign = await nominate(member(), 'village.secretary', { campaignId: randomUUID() });
    expect(noCampaign.status).toBe(404);
  });

  it('refuses bad input with the field and auditors’ commands', async () => {
    const bad = await nominate({ kind: 'hero', id: 'x' }, 'village.secretary', { deeds: '' });
    expect(bad.status).toBe(400);
    for (const field of ['candidate', 'deeds']) expect(JSON.stringify(bad.body)).toContain(field);
    const badVotes = await select(member(), 'village.secretary', { votesCast: 0, votesFor: -1 });
    expect(badVotes.status).toBe(400);
    for (const field of ['votesCast', 'votesFor']) expect(JSON.stringify(badVotes.body)).toContain(field);
    expect((await nominate(member(), 'province.auditor')).status).toBe(403);
  });

  it('nominates only a member active in the nominating subtree per the roster (422 naming the rule), alike for unknown, departed and elsewhere', async () => {
    const departed = await enrolled();
    await db.query(`update evaluation.roster_members set membership = 'left' where id = $1`, [departed.id]);
    const answers = await Promise.all([member(), departed, await enrolled(demoOrgId('910425102'))].map((c) => nominate(c)));
    expect(answers.map((a) => [a.status, (a.body as { code?: string }).code])).toEqual(
      Array(3).fill([422, 'PIONEER.NOMINEE_NOT_IN_SUBTREE']),
    );
    expect((await nominate(await enrolled())).status).toBe(201);
  });

  it('of fifty concurrent selections of one nominee exactly one is recorded, the rest get 409', async () => {
    const candidate = await enrolled();
    expect((await nominate(candidate)).status).toBe(201);
    const before = await eventsOf();
    const answers = await Promise.all(Array.from({ length: COMMANDS }, () => select(candidate, 'township.secretary')));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 201);
    expect(losers.map((a) => a.status)).toEqual(Array(COMMANDS - 1).fill(409));
    for (const a of losers) expect(['STREAM.CONCURRENT_CHANGE', 'PIONEER.NOT_A_NOMINEE']).toContain(a.body.code);
    expect(await eventsOf()).toEqual([...before, 'evaluation.QuarterPioneerSelected']);
  });
});

import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { massEvaluationDecider, pathAtVersionZero, TIER_RULES } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp, prepareEvaluationTestDatabase } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';

const COUNTY = demoOrgId('910425');
const strong = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 }; // 90
const tally = { satisfied: 110, basicallySatisfied: 20, dissatisfied: 70 }; // 650 ‰ under the satisfaction rule v1

/**
 * Every recorded assessment replays to its recorded tier and stars with its recorded rule
 * version — including version-1 decisions after version 2 (which weighs the masses'
 * satisfaction) is in force — reading the satisfaction back from the mass-evaluation stream
 * at the version the decision recorded.
 */
describe('assessment replay across tier rule versions (e2e)', () => {
  let app: INestApplication;
  let pool: Pool;
  let store: PostgresEventStore;
  let villages: string[];
  let evaluator: string;
  let auditor: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    ({ villages } = await freshTownship(2));
    app = await createEvaluationTestApp(clockOn('2012-12-20'));
    [evaluator, auditor] = [await tokenFor('county.evaluator'), await tokenFor('province.auditor')];
    pool = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 2 });
    store = new PostgresEventStore(pool, { schema: 'evaluation' });
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  /** A closed mass-evaluation window of the organisation, recorded with the window's own decider. */
  async function closedWindow(orgId: string, year: string): Promise<string> {
    const windowId = randomUUID();
    const streamId = `mass-evaluation-${windowId}`;
    const decidedBy = { sub: 'test', role: 'evaluator', orgId: COUNTY };
    const opened = massEvaluationDecider.decide(
      {
        type: 'OpenMassEvaluation',
        data: {
          windowId,
          subject: { kind: 'organization', id: orgId },
          orgId,
          cycleId: null,
          eligibleVoters: 300,
          opensOn: `${year}-11-01`,
          closesOn: `${year}-11-30`,
          decidedBy,
          today: `${year}-11-01`,
          actorOrgId: COUNTY,
          orgPath: pathAtVersionZero([COUNTY, orgId]),
        },
      },
      massEvaluationDecider.initialState(),
    );
    const state = opened.reduce(massEvaluationDecider.evolve, massEvaluationDecider.initialState());
    const closed = massEvaluationDecider.decide(
      { type: 'CloseMassEvaluation', data: { decidedBy, tally, ballotBox: { streamId: `ballot-box-${windowId}`, version: 200 } } },
      state,
    );
    const context = { actor: { sub: 'test', roles: ['evaluator'], orgId: COUNTY }, orgId, correlationId: randomUUID() };
    await store.append(streamId, [...opened, ...closed], { expectedVersion: 'no_stream', context });
    return windowId;
  }

  const assess = (orgId: string, period: string, satisfactionWindowId: string) =>
    http()
      .post(`/assessments/${orgId}`)
      .set({ Authorization: `Bearer ${evaluator}` })
      .send({ period, scores: strong, satisfactionWindowId });
  const replay = async (orgId: string, period: string) =>
    (
      await http()
        .get(`/assessments/${orgId}/${period}/replay`)
        .set({ Authorization: `Bearer ${auditor}` })
    ).body as {
      rule: { version: number };
      recorded: { tier: string; starRating: number };
      replayed: { tier: string; starRating: number };
      satisfactionPermille: number | null;
      matches: boolean;
    };

  it('replays a 2011 decision with version 1 and a 2012 one with version 2, each as recorded', async () => {
    const org = villages[0]!;
    expect((await assess(org, '2011', await closedWindow(org, '2011'))).status).toBe(201);
    expect((await assess(org, '2012', await closedWindow(org, '2012'))).status).toBe(201);

    const v1 = await replay(org, '2011');
    expect(v1).toMatchObject({
      rule: { version: 1 },
      recorded: { tier: 'advanced', starRating: 4 },
      satisfactionPermille: 650,
      matches: true,
    });
    // The same inputs under the version now in force would differ: a replay that used it would not match.
    const inputs = { scores: strong, satisfactionPermille: 650 };
    expect([TIER_RULES[2]!.tier(inputs), TIER_RULES[2]!.stars(inputs)]).toEqual(['middle', 3]);

    const v2 = await replay(org, '2012');
    expect(v2).toMatchObject({
      rule: { version: 2 },
      recorded: { tier: 'middle', starRating: 3 },
      replayed: { tier: 'middle', starRating: 3 },
      matches: true,
    });
  });

  it('refuses a satisfaction that is not the organisation’s own, or not of the period, naming the rule (422)', async () => {
    const [org, other] = villages as [string, string];
    const foreign = await assess(org, '2013', await closedWindow(other, '2013'));
    expect([foreign.status, foreign.body.code]).toEqual([422, 'ASSESSMENT.SATISFACTION_NOT_USABLE']);
    const stale = await assess(other, '2013', await closedWindow(other, '2012'));
    expect([stale.status, stale.body.code]).toEqual([422, 'ASSESSMENT.SATISFACTION_NOT_USABLE']);
    const missing = await assess(other, '2013', randomUUID());
    expect([missing.status, missing.body.code]).toEqual([404, 'MASS_EVALUATION.NOT_FOUND']);
  });
});

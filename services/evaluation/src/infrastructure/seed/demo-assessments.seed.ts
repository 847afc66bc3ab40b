import { assessmentDecider } from '@vanguard/evaluation-domain';
import { demoOrgId } from '@vanguard/infra-config';
import { assessmentStream } from '../../application/assessments/assessment-access';
import { AssessOrganizationHandler } from '../../application/commands/assess-organization/assess-organization.handler';
import { SqlMonthlyReviewResults } from '../field-work/sql-monthly-review-results';
import { as, COUNTY, on, TOWNSHIP, VILLAGE, type DemoSeed } from './demo-support';

const OTHER_TOWNSHIP = demoOrgId('910425102');
const CITY = demoOrgId('9104');

type Scores = { leadership: number; membership: number; mechanism: number; performance: number; reputation: number };
const s = (leadership: number, membership: number, mechanism: number, performance: number, reputation: number): Scores => ({
  leadership,
  membership,
  mechanism,
  performance,
  reputation,
});

/**
 * 2009 and 2010 五个好 assessments (tier rule version 1) by the level above: 红石村 and 河口镇
 * move up (晋档升级), 白桦镇 falls back, 松岭旗 rises to advanced. Idempotent.
 */
const ASSESSMENTS: readonly { orgId: string; by: string; y2009: Scores; y2010: Scores }[] = [
  { orgId: VILLAGE, by: TOWNSHIP, y2009: s(15, 14, 14, 13, 14), y2010: s(18, 18, 17, 18, 17) }, // middle → advanced
  { orgId: OTHER_TOWNSHIP, by: COUNTY, y2009: s(12, 11, 7, 12, 11), y2010: s(15, 14, 13, 14, 14) }, // lagging → middle
  { orgId: TOWNSHIP, by: COUNTY, y2009: s(18, 17, 17, 18, 18), y2010: s(17, 16, 11, 17, 16) }, // advanced → middle
  { orgId: COUNTY, by: CITY, y2009: s(16, 16, 15, 16, 16), y2010: s(19, 19, 18, 19, 19) }, // middle → advanced
];

export const seedDemoAssessments: DemoSeed = async ({ pool, streams, tree }) => {
  if ((await streams.load(assessmentStream(VILLAGE), assessmentDecider)).version > 0)
    return { slice: 'assessments', created: false, events: 0 };
  // Each year assessed early in the next, as a level above does.
  const handler = (day: string) => new AssessOrganizationHandler(streams, tree, new SqlMonthlyReviewResults(pool), on(day));
  let events = 0;
  for (const a of ASSESSMENTS) {
    const ctx = as(a.by, a.by === TOWNSHIP ? 'branch_secretary' : 'organizer');
    await handler('2010-01-15').execute(
      a.orgId,
      { period: '2009', scores: a.y2009, satisfactionWindowId: null, reason: '2009年度五个好考评' },
      ctx,
    );
    const last = await handler('2011-01-15').execute(
      a.orgId,
      { period: '2010', scores: a.y2010, satisfactionWindowId: null, reason: '2010年度五个好考评' },
      ctx,
    );
    events += last.version; // the stream's events: two assessments and the tier change
  }
  return { slice: 'assessments', created: true, events };
};

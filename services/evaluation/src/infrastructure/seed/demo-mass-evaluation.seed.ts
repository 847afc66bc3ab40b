import { massEvaluationDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { CastBallotHandler } from '../../application/commands/mass-evaluation/cast-ballot.handler';
import type { Rating } from '../../application/commands/mass-evaluation/ballot-box.port';
import { CloseMassEvaluationHandler } from '../../application/commands/mass-evaluation/close-mass-evaluation.handler';
import { IssueBallotCodesHandler } from '../../application/commands/mass-evaluation/issue-ballot-codes.handler';
import { massEvaluationStream } from '../../application/commands/mass-evaluation/mass-evaluation-access';
import { OpenMassEvaluationHandler } from '../../application/commands/mass-evaluation/open-mass-evaluation.handler';
import { PublishMassEvaluationHandler } from '../../application/commands/mass-evaluation/publish-mass-evaluation.handler';
import { ballotOptionsFromEnv } from '../mass-evaluation/ballot-options';
import { seedDemoMassEvaluationFindings } from './demo-mass-evaluation-findings.seed';
import { SqlBallotBox } from '../mass-evaluation/sql-ballot-box';
import { PgRoster } from '../roster/pg-roster';
import { as, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeed } from './demo-support';

const WINDOW_ID = demoIds(20_000_000).next();

// 57 of 60 voters: 50 satisfied, 5 basically satisfied, 2 dissatisfied (满意度 96.5 %), with the problems they raised.
const BALLOTS: { rating: Rating; comment: string | null }[] = [
  ...Array.from({ length: 48 }, () => ({ rating: 'satisfied' as const, comment: null })),
  { rating: 'satisfied', comment: '村务公开及时，党员带头修路' },
  { rating: 'satisfied', comment: '希望继续办好农民夜校' },
  ...Array.from({ length: 4 }, () => ({ rating: 'basically_satisfied' as const, comment: null })),
  { rating: 'basically_satisfied', comment: '村卫生室开门时间不固定' },
  { rating: 'dissatisfied', comment: '三组饮水管道冬天冻裂，至今没有修复' },
  { rating: 'dissatisfied', comment: null },
];

/**
 * 红石村党支部's first mass evaluation (June 2011), through the live handlers on the days each
 * step happened: opened by the township, 60 codes issued, 57 ballots, closed with its tally and
 * published, and the problems raised turned into findings. Idempotent: a window already closed or
 * published is left as it is (its findings are added if missing).
 */
export const seedDemoMassEvaluation: DemoSeed = async (ctx) => {
  const { pool, streams, tree } = ctx;
  const township = as(TOWNSHIP, 'branch_secretary');
  const { state, version } = await streams.load(massEvaluationStream(WINDOW_ID), massEvaluationDecider);
  if (state.status === 'closed' || state.status === 'published') {
    const findings = await seedDemoMassEvaluationFindings(ctx, WINDOW_ID);
    return { slice: 'mass-evaluation', created: false, events: findings };
  }
  const box = new SqlBallotBox(pool, ballotOptionsFromEnv().codeKey, new PostgresEventStore(pool, { schema: 'evaluation' }));
  let events = 0;
  if (state.status === 'none') {
    const ids = { next: () => WINDOW_ID };
    await new OpenMassEvaluationHandler(streams, tree, ids, on('2011-05-30'), new PgRoster(pool)).execute(
      {
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        cycleId: null,
        eligibleVoters: 60,
        opensOn: '2011-06-01',
        closesOn: '2011-06-07',
      },
      township,
    );
    events += 1;
    const { codes } = await new IssueBallotCodesHandler(streams, tree, box).execute(WINDOW_ID, 60, township);
    const cast = new CastBallotHandler(box, on('2011-06-03'));
    for (const [i, b] of BALLOTS.entries()) await cast.execute(WINDOW_ID, codes[i]!, b.rating, b.comment);
  }
  // A run cut short after opening closes what the box holds.
  await new CloseMassEvaluationHandler(streams, tree, box).execute(WINDOW_ID, township);
  await new PublishMassEvaluationHandler(streams, tree).execute(WINDOW_ID, township);
  const findings = await seedDemoMassEvaluationFindings(ctx, WINDOW_ID);
  return { slice: 'mass-evaluation', created: version === 0, events: events + 2 + findings };
};

import { commentDecider } from '@vanguard/evaluation-domain';
import { CompleteRectificationHandler } from '../../application/commands/complete-rectification/complete-rectification.handler';
import { commentStream } from '../../application/commands/comment-access/comment-access';
import { RecordMassEvaluationFindingsHandler } from '../../application/commands/mass-evaluation/record-mass-evaluation-findings.handler';
import { as, demoIds, on, TOWNSHIP, type DemoSeedContext } from './demo-support';

/**
 * The problems 红石村's voters raised in June 2011, turned into findings by the township on
 * 2011-06-10 (ADR 0031): the clinic's hours, fixed on time; the frozen water main, still open
 * past its deadline, so it shows as overdue in the rectification lists. Idempotent: a window whose
 * findings are recorded is left as it is. Returns the number of events appended.
 */
export async function seedDemoMassEvaluationFindings({ streams, tree }: DemoSeedContext, windowId: string): Promise<number> {
  const { state } = await streams.load(commentStream(windowId), commentDecider);
  if (state.made) return 0;
  const township = as(TOWNSHIP, 'branch_secretary');
  const ids = demoIds(20_000_100);
  const { findingIds } = await new RecordMassEvaluationFindingsHandler(streams, tree, on('2011-06-10'), ids).execute(
    windowId,
    {
      summary: '2011 年 6 月群众评议中群众提出的问题',
      findings: [
        { problem: '村卫生室开门时间不固定', rectification: '公示卫生室开诊时间，每日 8:00—17:00 开诊', deadline: '2011-06-30' },
        { problem: '三组饮水管道冬天冻裂，至今没有修复', rectification: '更换三组饮水主管道并做防冻处理', deadline: '2011-09-30' },
      ],
      reason: '汇总群众评议意见，逐条明确整改措施和期限',
    },
    township,
  );
  await new CompleteRectificationHandler(streams, tree, on('2011-06-28')).execute(
    windowId,
    findingIds[0]!,
    { reason: '回访群众，开诊时间已公示并落实' },
    township,
  );
  return 2;
}

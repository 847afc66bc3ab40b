import { campaignDecider, commentDecider } from '@vanguard/evaluation-domain';
import { CompleteRectificationHandler } from '../../application/commands/complete-rectification/complete-rectification.handler';
import {
  MakeLeaderCommentHandler,
  type MakeLeaderCommentInput,
} from '../../application/commands/make-leader-comment/make-leader-comment.handler';
import { MarkOverdueRectificationsHandler } from '../../application/commands/mark-overdue-rectifications/mark-overdue-rectifications.handler';
import { SqlCycleDirectory } from '../event-store/sql-cycle-directory';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeed } from './demo-support';

const FIRST = 10_000_000;
const county = as(COUNTY, 'organizer');
const township = as(TOWNSHIP, 'branch_secretary');

/**
 * 领导点评 on the demo county, through the live handlers on the days they happened: the
 * township's on-site comment on 红石村 (one rectification done on time, one done late, one
 * left undone and marked overdue) and the county's talk with 白桦镇 (one done on time, one
 * still open in 2011 — overdue by today's date). No roster is needed: both commenters lead an
 * organisation above. Idempotent: nothing is added once the first comment exists.
 */
export const seedDemoComments: DemoSeed = async ({ pool, streams, tree, campaignId }) => {
  if ((await streams.load(`comment-${demoId(FIRST)}`, commentDecider)).version > 0) return { slice: 'comments', created: false, events: 0 };
  const ids = demoIds(FIRST);
  const { state: campaign } = await streams.load(`campaign-${campaignId}`, campaignDecider);
  const cycleOn = (day: string) => campaign.cycles.find((c) => c.startsOn <= day && day <= c.endsOn)?.cycleId ?? null;
  // The cycle each comment names is checked as the live route checks it (ADR 0138).
  const cycles = new SqlCycleDirectory(pool);
  let events = 0;
  const comment = async (day: string, ctx: typeof county, input: Omit<MakeLeaderCommentInput, 'cycleId'>) => {
    const made = await new MakeLeaderCommentHandler(streams, tree, on(day), ids, cycles, null).execute(
      { ...input, cycleId: cycleOn(day) },
      ctx,
    );
    events++;
    return made;
  };
  const complete = async (day: string, ctx: typeof county, commentId: string, findingId: string, reason: string) => {
    await new CompleteRectificationHandler(streams, tree, on(day)).execute(commentId, findingId, { reason }, ctx);
    events++;
  };

  const onSite = await comment('2011-04-15', township, {
    orgId: VILLAGE,
    form: 'on_site',
    summary: '现场点评红石村党支部一季度创先争优工作：承诺公开到位，组织生活不够规范',
    findings: [
      { problem: '三会一课记录不全', rectification: '补齐记录，建立组织生活台账', deadline: '2011-05-15' },
      { problem: '党员活动室未按时开放', rectification: '每周二、五开放，专人值守', deadline: '2011-05-31' },
      { problem: '党务公开栏内容陈旧', rectification: '按月更新公开内容', deadline: '2011-06-15' },
    ],
    reason: '一季度点评',
  });
  const [ledger, room] = onSite.findingIds as [string, string, string];
  await complete('2011-05-10', township, onSite.commentId, ledger, '台账已建立，现场核实');
  await complete('2011-06-05', township, onSite.commentId, room, '已开放，逾期五天完成');
  const check = await new MarkOverdueRectificationsHandler(streams, tree, on('2011-06-20')).execute([onSite.commentId], township);
  events += check.marked;

  const talk = await comment('2011-05-20', county, {
    orgId: TOWNSHIP,
    form: 'talk',
    summary: '与白桦镇党委书记谈话点评：领头雁工程推进有力，后进村转化偏慢',
    findings: [
      { problem: '村级后备干部储备不足', rectification: '每村确定两名后备干部', deadline: '2011-06-30' },
      { problem: '后进村整顿转化方案未细化', rectification: '一村一策，细化到月', deadline: '2011-09-30' },
    ],
    reason: '联系点谈话',
  });
  await complete('2011-06-25', county, talk.commentId, talk.findingIds[0]!, '后备干部名单已报组织部');
  return { slice: 'comments', created: true, events };
};

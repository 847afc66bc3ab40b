import { inspectionDecider } from '@vanguard/evaluation-domain';
import { CompleteRectificationHandler } from '../../application/commands/complete-rectification/complete-rectification.handler';
import { inspectionStream } from '../../application/commands/inspections/inspection-access';
import { LaunchInspectionHandler } from '../../application/commands/inspections/launch-inspection.handler';
import { RecordInspectionFindingsHandler } from '../../application/commands/inspections/record-inspection-findings.handler';
import { SqlInspectionCandidates } from '../inspections/sql-inspection-candidates';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, type DemoSeedContext, type DemoSeedReport } from './demo-support';

/** Inspections' demo ids: from 60,000,000 (demo-support lists the other slices' blocks). */
const FIRST = 60_000_000;

/**
 * 旗委第一督导检查组 draws one village of 白桦镇 at random on 2011-06-15 (the demo tree has one, 红石村,
 * so the draw is the whole list — and still replays from its seed) and records two findings the next
 * day: the meeting records, put right on time; the activity room, still open past its deadline, so
 * it reads as overdue. Idempotent: a launched inspection is left as it is.
 */
export async function seedDemoInspections({ pool, streams, tree }: DemoSeedContext): Promise<DemoSeedReport> {
  const inspectionId = demoId(FIRST);
  if ((await streams.load(inspectionStream(inspectionId), inspectionDecider)).version > 0)
    return { slice: 'inspections', created: false, events: 0 };
  const county = as(COUNTY, 'organizer');
  const ids = demoIds(FIRST);
  const { units } = await new LaunchInspectionHandler(streams, tree, new SqlInspectionCandidates(pool), on('2011-06-15'), ids).execute(
    {
      topic: '“三会一课”制度和村级活动场所使用情况',
      group: {
        name: '旗委第一督导检查组',
        leader: county.caller.sub,
        members: [county.caller.sub, 'county.organizer'],
        scopeOrgId: TOWNSHIP,
      },
      selection: { kind: 'random', count: 1, level: 'village' },
      reason: '2011 年创先争优活动督导检查计划',
    },
    county,
  );
  const { commentId, findingIds } = await new RecordInspectionFindingsHandler(streams, tree, on('2011-06-16'), ids).execute(
    inspectionId,
    {
      orgId: units[0]!,
      summary: '督导检查组现场检查发现的问题',
      findings: [
        { problem: '三会一课记录不全，5 月支委会无记录', rectification: '补齐会议记录，每月公示会议情况', deadline: '2011-07-15' },
        { problem: '村级活动场所被挪作仓库', rectification: '清理活动场所，恢复党员活动室功能', deadline: '2011-08-31' },
      ],
      reason: '现场查阅会议记录，察看活动场所',
    },
    county,
  );
  await new CompleteRectificationHandler(streams, tree, on('2011-07-10')).execute(
    commentId,
    findingIds[0]!,
    { reason: '复查：会议记录已补齐并公示' },
    county,
  );
  return { slice: 'inspections', created: true, events: 3 };
}

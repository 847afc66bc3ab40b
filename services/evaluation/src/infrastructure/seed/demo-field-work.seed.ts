import { zoneDecider } from '@vanguard/evaluation-domain';
import { MonthlyReviewHandlers } from '../../application/commands/monthly-reviews/monthly-review.handlers';
import { zoneStream } from '../../application/commands/monthly-reviews/monthly-review-access';
import { WindowUnitHandlers } from '../../application/commands/window-units/window-unit.handlers';
import { SqlWindowUnitContacts } from '../field-work/sql-window-unit-contacts';
import { SqlVanguardPosts } from '../roster/sql-vanguard-posts';
import { SqlInspectionCandidates } from '../inspections/sql-inspection-candidates';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeedContext, type DemoSeedReport } from './demo-support';
import { demoOrgId } from '@vanguard/infra-config';

/** Field work's demo ids (zones, rounds, window units): from 80,000,000. */
const FIRST = 80_000_000;
const OTHER_TOWNSHIP = demoOrgId('910425102');

/**
 * 松岭旗's zones and last month's review round (the demo's "now" is mid-2011): 第一片区 (白桦镇 and 红石村)
 * and 第二片区 (河口镇), each guided by the county organizer; May's round of the first zone scored on
 * the quarter's theme (喜迎建党90周年) with the rubric in force, concluded with its two units ranked, and
 * a finding at 红石村 to rectify by the end of June. 白桦镇便民服务中心 is a window unit with its
 * commitments and May's services counted from one batch of its records. The demo tree has three
 * units below the county, so two zones rather than seed 004's fifteen. Idempotent.
 */
export async function seedDemoFieldWork({ pool, streams, tree, campaignId }: DemoSeedContext): Promise<DemoSeedReport> {
  if ((await streams.load(zoneStream(demoId(FIRST)), zoneDecider)).version > 0) return { slice: 'field-work', created: false, events: 0 };
  const county = as(COUNTY, 'organizer');
  const ids = demoIds(FIRST);
  const candidates = new SqlInspectionCandidates(pool);
  const reviews = (day: string) => new MonthlyReviewHandlers(streams, tree, candidates, on(day), ids);
  const zone = (name: string, units: string[]) =>
    reviews('2011-04-02').designateZone({ campaignId, name, leader: 'county.organizer', units, reason: '按乡镇划分观摩片区' }, county);
  const first = await zone('第一片区（白桦镇）', [TOWNSHIP, VILLAGE]);
  await zone('第二片区（河口镇）', [OTHER_TOWNSHIP]);

  const { roundId } = await reviews('2011-05-30').open(first.zoneId, { month: '2011-05', reason: '五月集中观摩点评' }, county);
  await reviews('2011-05-30').score(
    roundId,
    {
      scores: [
        { orgId: TOWNSHIP, points: [9, 8, 9, 10, 8, 9, 9, 8, 9, 9] },
        { orgId: VILLAGE, points: [8, 9, 7, 6, 9, 7, 8, 8, 9, 7] },
      ],
      reason: '现场观摩评分',
    },
    county,
  );
  await reviews('2011-05-31').conclude(roundId, { reason: '五月观摩点评汇总排名' }, county);
  await reviews('2011-05-31').recordFindings(
    roundId,
    {
      orgId: VILLAGE,
      summary: '五月观摩点评发现的问题',
      findings: [{ problem: '党员先锋岗亮牌不全', rectification: '为全部先锋岗党员挂牌亮身份', deadline: '2011-06-30' }],
      reason: '现场观摩',
    },
    county,
  );

  const windows = new WindowUnitHandlers(streams, tree, on('2011-05-04'), new SqlWindowUnitContacts(pool), new SqlVanguardPosts(pool));
  await windows.publish(
    TOWNSHIP,
    {
      serviceName: '白桦镇便民服务中心',
      duties: '代办新农合、低保、计生证明等 12 项便民事项',
      process: '受理—审核—办结，一次告知，限时三个工作日办结',
      discipline: '首问负责、一次告知、限时办结，不推诿、不刁难',
      servicePhone: '0470-5123456',
      reason: '三亮：公开服务承诺',
    },
    county,
  );
  const kinds = ['service_given', 'handled_on_behalf', 'home_service', 'online_approval'] as const;
  const records = Array.from({ length: 40 }, (_, i) => ({
    recordId: `BH-2011-05-${String(i + 1).padStart(3, '0')}`,
    kind: kinds[i % 4 === 3 ? 3 : i % 3]!,
    on: `2011-05-${String((i % 28) + 1).padStart(2, '0')}`,
  }));
  await new WindowUnitHandlers(streams, tree, on('2011-06-01'), new SqlWindowUnitContacts(pool), new SqlVanguardPosts(pool)).count(
    TOWNSHIP,
    { batchId: 'baihua-2011-05', source: 'import', records },
    county,
  );
  return { slice: 'field-work', created: true, events: 9 };
}

import { commentDecider, monthlyReviewDecider, windowUnitDecider, windowUnitStream, zoneDecider } from '@vanguard/evaluation-domain';
import type { CommandContext } from '../../application/commands/command-context';
import { MonthlyReviewHandlers } from '../../application/commands/monthly-reviews/monthly-review.handlers';
import { SqlZonedUnits } from '../field-work/sql-zoned-units';
import { monthlyReviewStream, roundIdOf, zoneStream } from '../../application/commands/monthly-reviews/monthly-review-access';
import { commentStream } from '../../application/commands/comment-access/comment-access';
import { WindowUnitHandlers } from '../../application/commands/window-units/window-unit.handlers';
import { PostgresEventStore } from '@vanguard/event-store';
import { SqlWindowUnitContacts } from '../field-work/sql-window-unit-contacts';
import { PgWindowUnitRecords } from '../field-work/pg-window-unit-records';
import { SqlVanguardPosts } from '../roster/sql-vanguard-posts';
import { SqlInspectionCandidates } from '../inspections/sql-inspection-candidates';
import { as, COUNTY, demoId, on, TOWNSHIP, type DemoSeedContext, type DemoSeedReport } from './demo-support';
import { DEMO_FINDINGS, DEMO_ZONES, demoPoints } from './demo-zones';

/** Field work's demo ids (zones, rounds, findings): from 80,000,000. */
const FIRST = 80_000_000;

/**
 * Each zone's ids. The first zone's and the second zone's are the ones this seed gave when the demo
 * had two zones, so a database seeded then is completed, not given a copy; every later zone z takes
 * the block from 80,000,000 + 10·z: zone, (round, no longer used), findings, finding.
 */
const idsOf = (z: number) =>
  z === 0
    ? { zone: demoId(FIRST), comment: demoId(FIRST + 3), finding: demoId(FIRST + 4) }
    : {
        zone: demoId(z === 1 ? FIRST + 1 : FIRST + 10 * z),
        comment: demoId(FIRST + 10 * z + 2),
        finding: demoId(FIRST + 10 * z + 3),
      };
const fixed = (...ids: string[]) => {
  let i = 0;
  return { next: () => ids[i++]! };
};

/** The zone's guiding leader, acting for the county: the one the rule lets open, score and conclude. */
const leaderOf = (sub: string): CommandContext => ({
  caller: { sub, roles: ['evaluator'], orgId: COUNTY, kind: 'service' },
  correlationId: demoId(9000),
});

/**
 * 松岭旗's fifteen zones (seed 004) and last month's review round of each (the demo's "now" is
 * mid-2011): designated by the county organizer, each guided by its leader, who opened May's round
 * on the quarter's theme (喜迎建党90周年) with the rubric in force, scored the zone's units, concluded
 * it with them ranked, and recorded a finding at the last-ranked unit to rectify by the end of June.
 * 白桦镇便民服务中心 is a window unit with its commitments and May's services counted from one batch
 * of its records. All through the service's handlers and deciders. Idempotent, step by step: a
 * second run adds nothing, and a database seeded when the demo had two zones gets the rest.
 */
export async function seedDemoFieldWork({ pool, streams, tree, campaignId }: DemoSeedContext): Promise<DemoSeedReport> {
  const last = idsOf(DEMO_ZONES.length - 1);
  if ((await streams.load(commentStream(last.comment), commentDecider)).version > 0)
    return { slice: 'field-work', created: false, events: 0 };
  const county = as(COUNTY, 'organizer');
  const candidates = new SqlInspectionCandidates(pool);
  const zoned = new SqlZonedUnits(pool, streams);
  const reviews = (day: string, ...ids: string[]) => new MonthlyReviewHandlers(streams, tree, candidates, on(day), fixed(...ids), zoned);
  let events = 0;

  for (const [z, plan] of DEMO_ZONES.entries()) {
    const ids = idsOf(z);
    if ((await streams.load(zoneStream(ids.zone), zoneDecider)).version === 0) {
      await reviews('2011-04-02', ids.zone).designateZone(
        { campaignId, name: plan.name, leader: plan.leader, units: [...plan.units], reason: '划分观摩点评片区，每片区由一名旗领导联系' },
        county,
      );
      events += 1;
    }
  }

  for (const z of DEMO_ZONES.keys()) {
    const ids = idsOf(z);
    // A zone designated when the demo had two zones keeps the leader and units it was given then.
    const { state: zone } = await streams.load(zoneStream(ids.zone), zoneDecider);
    const { units } = zone.zone!;
    const leader = leaderOf(zone.zone!.leader);
    // A zone's round of a month has the id the handler derives from both (roundIdOf); a database
    // seeded when rounds had fixed ids keeps the round it has.
    const legacy = z < 2 ? demoId(FIRST + 2 + 9 * z) : undefined;
    const roundId =
      legacy && (await streams.load(monthlyReviewStream(legacy), monthlyReviewDecider)).version > 0
        ? legacy
        : roundIdOf(ids.zone, '2011-05');
    let round = await streams.load(monthlyReviewStream(roundId), monthlyReviewDecider);
    if (round.version === 0) {
      await reviews('2011-05-30').open(ids.zone, { month: '2011-05', reason: '五月集中观摩点评' }, leader);
      await reviews('2011-05-30').score(
        roundId,
        { scores: units.map((orgId, place) => ({ orgId, points: demoPoints(z, place) })), reason: '现场观摩评分' },
        leader,
      );
      events += 2;
    }
    round = await streams.load(monthlyReviewStream(roundId), monthlyReviewDecider);
    if (!round.state.concluded) {
      await reviews('2011-05-31').conclude(roundId, { reason: '五月观摩点评汇总排名' }, leader);
      round = await streams.load(monthlyReviewStream(roundId), monthlyReviewDecider);
      events += 1;
    }
    if ((await streams.load(commentStream(ids.comment), commentDecider)).version === 0) {
      const lastRanked = round.state.concluded!.results.at(-1)!.orgId;
      await reviews('2011-05-31', ids.comment, ids.finding).recordFindings(
        roundId,
        {
          orgId: lastRanked,
          summary: '五月观摩点评发现的问题',
          findings: [{ ...DEMO_FINDINGS[z % DEMO_FINDINGS.length]!, deadline: '2011-06-30' }],
          reason: '现场观摩',
        },
        leader,
      );
      events += 1;
    }
  }

  if ((await streams.load(windowUnitStream(TOWNSHIP), windowUnitDecider)).version === 0)
    events += await windowUnit(county, { pool, streams, tree });
  return { slice: 'field-work', created: true, events };
}

/** 白桦镇便民服务中心: its commitments (三亮) and May's services counted from one batch of its records. */
async function windowUnit(
  county: CommandContext,
  { pool, streams, tree }: Pick<DemoSeedContext, 'pool' | 'streams' | 'tree'>,
): Promise<number> {
  // The record index appends in its own transaction, on the store the seed's streams use (schema evaluation).
  const records = new PgWindowUnitRecords(pool, new PostgresEventStore(pool, { schema: 'evaluation' }));
  const handlers = (day: string) =>
    new WindowUnitHandlers(streams, tree, on(day), new SqlWindowUnitContacts(pool), new SqlVanguardPosts(pool), records);
  await handlers('2011-05-04').publish(
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
  const serviceRecords = Array.from({ length: 40 }, (_, i) => ({
    recordId: `BH-2011-05-${String(i + 1).padStart(3, '0')}`,
    kind: kinds[i % 4 === 3 ? 3 : i % 3]!,
    on: `2011-05-${String((i % 28) + 1).padStart(2, '0')}`,
  }));
  await handlers('2011-06-01').count(TOWNSHIP, { batchId: 'baihua-2011-05', source: 'import', records: serviceRecords }, county);
  return 2;
}

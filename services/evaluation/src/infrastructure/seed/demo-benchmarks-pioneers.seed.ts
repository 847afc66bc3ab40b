import { demoOrgId } from '@vanguard/infra-config';
import { benchmarkDecider, campaignDecider, pioneerDecider, type CampaignEvent, type CampaignState } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { ChooseBenchmarkHandler } from '../../application/commands/choose-benchmark/choose-benchmark.handler';
import { streamContext } from '../../application/commands/command-context';
import { ConfirmBenchmarkReachedHandler } from '../../application/commands/confirm-benchmark-reached/confirm-benchmark-reached.handler';
import { ReportBenchmarkProgressHandler } from '../../application/commands/report-benchmark-progress/report-benchmark-progress.handler';
import { pioneerStream } from '../../application/commands/select-quarter-pioneer/pioneer-access';
import { SelectQuarterPioneerHandler } from '../../application/commands/select-quarter-pioneer/select-quarter-pioneer.handler';
import { InMemoryRoster } from '../../application/testing/in-memory-roster';
import { PgRoster } from '../roster/pg-roster';
import { REVIEWED_MEMBER } from './demo-reviews.seed';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeed, type DemoSeedContext } from './demo-support';

const FIRST = 50_000_000;
const county = as(COUNTY, 'organizer');
const township = as(TOWNSHIP, 'branch_secretary');
const village = as(VILLAGE, 'branch_secretary');

/**
 * 对标定位 and 一季一先锋 on the demo county: 红石村 benchmarking 青石村 with progress
 * reported, 白桦镇's benchmarking confirmed reached by the county, and 红石村党支部 and one of
 * 红石村's members (graded excellent in 2010) selected as 白桦镇's pioneers of 2011-Q1 (a past cycle);
 * that member benchmarks a model member too. Idempotent: each part is skipped once its
 * first stream exists, each pioneer once nominated and once selected.
 */
export const seedDemoBenchmarksPioneers: DemoSeed = async (ctx) => {
  const { streams, tree } = ctx;
  // Organisations benchmark here: the roster is asked about members only.
  const roster = new PgRoster(ctx.pool);
  const slice = 'benchmarks-pioneers';
  let events = (await pioneerOfQ1(ctx)) + (await memberBenchmark(ctx));
  if ((await streams.load(`benchmark-${demoId(FIRST)}`, benchmarkDecider)).version > 0) return { slice, created: events > 0, events };
  const ids = demoIds(FIRST);

  const villageBench = await new ChooseBenchmarkHandler(streams, tree, on('2011-07-05'), ids, roster).execute(
    {
      subject: { kind: 'organization', id: VILLAGE },
      orgId: VILLAGE,
      target: { kind: 'organization', id: demoOrgId('910425102201'), name: '青石村党支部' },
      gaps: ['村集体经济年收入不足五万元', '党员致富带头人偏少'],
      measures: ['成立红枣专业合作社', '每名党员联系两户困难群众'],
      dueOn: '2011-12-31',
    },
    village,
  );
  const progress = new ReportBenchmarkProgressHandler(streams, tree);
  await progress.execute(villageBench.benchmarkId, { note: '合作社已注册，入社农户32户', percent: 30 }, village);
  await progress.execute(villageBench.benchmarkId, { note: '首批红枣销售收入2.8万元', percent: 60 }, village);

  const townshipBench = await new ChooseBenchmarkHandler(streams, tree, on('2011-07-08'), ids, roster).execute(
    {
      subject: { kind: 'organization', id: TOWNSHIP },
      orgId: TOWNSHIP,
      target: { kind: 'organization', id: demoOrgId('910425102'), name: '河口镇党委' },
      gaps: ['便民服务代办点覆盖不全'],
      measures: ['每村设代办员'],
      dueOn: '2011-09-30',
    },
    township,
  );
  await progress.execute(townshipBench.benchmarkId, { note: '全部村设立代办点', percent: 100 }, township);
  await new ConfirmBenchmarkReachedHandler(streams, tree).execute(
    townshipBench.benchmarkId,
    { reason: '实地抽查五个村，代办点运转正常' },
    county,
  );
  events += 7;
  return { slice, created: true, events };
};

/** The member who benchmarks: its own part with its own id, so a county seeded before it gets it too. */
async function memberBenchmark({ streams, tree }: DemoSeedContext): Promise<number> {
  const ids = demoIds(FIRST + 10);
  if ((await streams.load(`benchmark-${demoId(FIRST + 10)}`, benchmarkDecider)).version > 0) return 0;
  // Members pair too (seed 004 counts 单位 and 党员 结成赶超对子): the reviewed member, who is
  // not in the organization roster, as the reviews seed has them.
  const reviewed = new InMemoryRoster({
    parents: {},
    members: [{ id: REVIEWED_MEMBER, orgId: VILLAGE, status: 'full', active: true, roles: [] }],
  });
  await new ChooseBenchmarkHandler(streams, tree, on('2011-07-12'), ids, reviewed).execute(
    {
      subject: { kind: 'member', id: REVIEWED_MEMBER },
      orgId: VILLAGE,
      target: { kind: 'member', id: demoId(FIRST + 900), name: '王振华（镇优秀共产党员）' },
      gaps: ['带领群众增收的门路不多'],
      measures: ['学习红枣深加工技术', '帮带三户困难党员发展庭院经济', '每月向支部汇报一次'],
      dueOn: '2011-12-31',
    },
    village,
  );
  return 1;
}

/**
 * Q1 is closed by the time this seed runs, so the nomination is decided on the campaign as
 * it stood just before Q1 closed (its events up to the CycleClosed), as on 2011-03-20; the
 * selection then goes through the live handler.
 */
async function pioneerOfQ1({ pool, streams, tree, campaignId }: DemoSeedContext): Promise<number> {
  const campaign = await new PostgresEventStore(pool, { schema: 'evaluation' }).readStream(`campaign-${campaignId}`);
  const q1 = (await streams.load(`campaign-${campaignId}`, campaignDecider)).state.cycles.find((c) => c.quarter === '2011-Q1');
  if (!q1) return 0;
  const stream = pioneerStream(TOWNSHIP, q1.cycleId);
  const { state, version } = await streams.load(stream, pioneerDecider);
  let before: CampaignState = campaignDecider.initialState();
  for (const e of campaign) {
    if (e.type === 'evaluation.CycleClosed' && (e.data as { cycleId?: string }).cycleId === q1.cycleId) break;
    before = campaignDecider.evolve(before, e as unknown as CampaignEvent);
  }
  const cycleOpen = before.cycles.find((c) => c.cycleId === q1.cycleId)?.status === 'open';
  // A unit and a person, each nominated and then selected: seed 004 counts 先锋模范人物 in persons.
  const villagePath = (await tree.pathOf(VILLAGE)) ?? [];
  const nominees = [
    { candidate: { kind: 'organization', id: VILLAGE } as const, deeds: '带领群众修通村道3公里，建成村级活动场所', votesFor: 27 },
    { candidate: { kind: 'member', id: REVIEWED_MEMBER } as const, deeds: '带头筹资修路，全年为群众办实事12件', votesFor: 31 },
  ];
  // Each nominee once: a county seeded before the member was added gets the member now.
  const among = (list: readonly { kind: string; id: string }[], c: { kind: string; id: string }) =>
    list.some((x) => x.kind === c.kind && x.id === c.id);
  let s = state;
  let v = version;
  let events = 0;
  for (const { candidate, deeds } of nominees) {
    if (among(s.nominated, candidate)) continue;
    const nominated = pioneerDecider.decide(
      {
        type: 'NominateQuarterPioneer',
        data: {
          orgId: TOWNSHIP,
          cycleId: q1.cycleId,
          candidate,
          deeds,
          cycleOpen,
          // Where the nominee stands (the village, or the member's village) as the tree copy has it: the nominee rule checks it lies in the township's subtree.
          standing: { known: true, active: true, orgPath: villagePath },
        },
      },
      s,
    );
    v = await streams.append(stream, nominated, v, streamContext(township, TOWNSHIP));
    s = nominated.reduce((acc, e) => pioneerDecider.evolve(acc, e), s);
    events += nominated.length;
  }
  for (const { candidate, votesFor } of nominees) {
    if (among(s.selected, candidate)) continue;
    await new SelectQuarterPioneerHandler(streams, tree).execute(
      { orgId: TOWNSHIP, cycleId: q1.cycleId, candidate, votesFor, votesCast: 35, reason: '镇党委会议投票，公示无异议' },
      township,
    );
    events++;
  }
  return events;
}

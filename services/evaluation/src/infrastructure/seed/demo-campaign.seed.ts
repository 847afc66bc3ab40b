import { Pool } from 'pg';
import { ScopeService, bootstrapDemoFieldUnits } from '@vanguard/auth';
import { campaignDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { AmendPledgeHandler } from '../../application/commands/amend-pledge/amend-pledge.handler';
import { CloseCycleHandler } from '../../application/commands/close-cycle/close-cycle.handler';
import type { CommandContext } from '../../application/commands/command-context';
import { FilePledgeHandler } from '../../application/commands/file-pledge/file-pledge.handler';
import { FulfilPledgeHandler } from '../../application/commands/fulfil-pledge/fulfil-pledge.handler';
import { LapsePledgeHandler } from '../../application/commands/lapse-pledge/lapse-pledge.handler';
import { LaunchCampaignHandler } from '../../application/commands/launch-campaign/launch-campaign.handler';
import { MakePledgeHandler, type MakePledgeInput } from '../../application/commands/make-pledge/make-pledge.handler';
import { OpenCycleHandler } from '../../application/commands/open-cycle/open-cycle.handler';
import { PlanCycleHandler } from '../../application/commands/plan-cycle/plan-cycle.handler';
import { PublishPledgeHandler } from '../../application/commands/publish-pledge/publish-pledge.handler';
import { RatePledgeHandler } from '../../application/commands/rate-pledge/rate-pledge.handler';
import { ReportPledgeProgressHandler } from '../../application/commands/report-pledge-progress/report-pledge-progress.handler';
import { ReturnPledgeHandler } from '../../application/commands/return-pledge/return-pledge.handler';
import { PostgresStreamsAdapter } from '../event-store/postgres-streams.adapter';
import { PgRoster } from '../roster/pg-roster';
import { SqlOrgTreeAdapter } from '../org-tree/sql-org-tree.adapter';
import { as, COUNTY, demoId, on, TOWNSHIP, VILLAGE } from './demo-support';

export const DEMO_CAMPAIGN_ID = demoId(1);

const county = as(COUNTY, 'organizer');
const township = as(TOWNSHIP, 'branch_secretary');
const village = as(VILLAGE, 'branch_secretary');

/**
 * 松岭旗's running campaign (seed 001 part 4) with its 2011 quarters, and pledges in every
 * state, recorded through the same handlers and deciders as live commands, on the days
 * they would have happened. Idempotent: nothing is added once the campaign exists.
 */
export async function seedDemoCampaign(databaseUrl: string): Promise<{ created: boolean; events: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  try {
    // The demo region with the county's window and service units, which the field-work slice divides into zones.
    await bootstrapDemoFieldUnits(pool);
    const scope = new ScopeService();
    await scope.load(pool);
    const streams = new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'evaluation' }));
    const tree = new SqlOrgTreeAdapter(pool, scope);
    if ((await streams.load(`campaign-${DEMO_CAMPAIGN_ID}`, campaignDecider)).version > 0) return { created: false, events: 0 };
    let next = 1;
    const ids = { next: () => demoId(next++) };
    const day = (d: string) => on(d);

    const { campaignId } = await new LaunchCampaignHandler(streams, tree, ids).execute(
      {
        orgId: COUNTY,
        name: '松岭旗深入开展创先争优活动',
        phases: [
          { phase: 'mobilise', startsOn: '2010-04-01', endsOn: '2010-05-31' },
          { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
          { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
          { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
        ],
      },
      county,
    );
    const plan = new PlanCycleHandler(streams, tree, ids);
    const themes = [
      ['2011-Q1', '2011-01-01', '2011-03-31', '岗位建功、服务群众', '领头雁工程'],
      ['2011-Q2', '2011-04-01', '2011-06-30', '喜迎建党90周年', '强村富民'],
      ['2011-Q3', '2011-07-01', '2011-09-30', '对标定位、晋位升级', '为民办实事'],
      ['2011-Q4', '2011-10-01', '2011-12-31', '总结提高、再作承诺', '冬春帮扶'],
    ] as const;
    const cycles: string[] = [];
    for (const [quarter, startsOn, endsOn, theme, rural] of themes) {
      cycles.push(
        (await plan.execute(campaignId, { quarter, startsOn, endsOn, themes: { default: theme, bySector: { rural } } }, county)).cycleId,
      );
    }
    const [q1, q2] = cycles as [string, string];
    await new OpenCycleHandler(streams, tree).execute(campaignId, q1, county);

    const make = (d: string, ctx: CommandContext, input: Omit<MakePledgeInput, 'campaignId'>) =>
      new MakePledgeHandler(streams, tree, day(d), ids, new PgRoster(pool)).execute({ campaignId, ...input }, ctx);
    const villagePledge = (cycleId: string, content: string, dueOn: string, category: MakePledgeInput['category'] = 'deed_for_masses') => ({
      cycleId,
      pledger: { kind: 'organization' as const, id: VILLAGE },
      orgId: VILLAGE,
      category,
      content,
      dueOn,
    });
    const file = new FilePledgeHandler(streams, tree);
    const publish = new PublishPledgeHandler(streams, tree);
    const progress = new ReportPledgeProgressHandler(streams, tree);

    // Q1: kept and rated; lapsed; returned, amended and kept.
    const road = await make('2011-01-10', village, villagePledge(q1, '修通红石村至白桦镇3公里通组路', '2011-03-25'));
    await file.execute(road.pledgeId, { reason: '内容具体、可检验' }, township);
    await publish.execute(road.pledgeId, {}, village);
    await progress.execute(road.pledgeId, { note: '路基完成', percent: 60 }, village);
    await new FulfilPledgeHandler(streams, tree).execute(road.pledgeId, { reason: '镇党委现场验收通过' }, township);
    await new RatePledgeHandler(streams, tree).execute(
      road.pledgeId,
      { tally: { satisfied: 212, basicallySatisfied: 31, dissatisfied: 4 } },
      township,
    );

    const training = await make('2011-01-12', township, {
      cycleId: q1,
      pledger: { kind: 'organization', id: TOWNSHIP },
      orgId: TOWNSHIP,
      category: 'self_improvement',
      content: '全镇党员轮训一遍',
      dueOn: '2011-03-31',
    });
    await file.execute(training.pledgeId, { reason: '符合旗委部署' }, county);
    await publish.execute(training.pledgeId, {}, township);
    await new LapsePledgeHandler(streams, tree).execute(training.pledgeId, { reason: '春耕提前，轮训完成六成' }, county);

    const well = await make('2011-01-15', village, villagePledge(q1, '解决饮水难', '2011-03-30'));
    await new ReturnPledgeHandler(streams, tree).execute(well.pledgeId, { reason: '承诺过于笼统，请写明户数和完成时限' }, township);
    await new AmendPledgeHandler(streams, tree, day('2011-01-20')).execute(
      well.pledgeId,
      { category: 'deed_for_masses', content: '为二组38户打一眼深水井', dueOn: '2011-03-30' },
      village,
    );
    await file.execute(well.pledgeId, { reason: '已具体到户' }, township);
    await publish.execute(well.pledgeId, {}, village);
    await new FulfilPledgeHandler(streams, tree).execute(well.pledgeId, { reason: '已通水' }, township);

    // Q2, open now: a follow-up pledge waiting to be filed, one published with progress, one returned.
    await new CloseCycleHandler(streams, tree).execute(campaignId, q1, county);
    await new OpenCycleHandler(streams, tree).execute(campaignId, q2, county);
    await make('2011-04-06', village, { ...villagePledge(q2, '通组路两侧植树2000株', '2011-05-31'), followsPledgeId: road.pledgeId });
    const market = await make('2011-04-08', village, villagePledge(q2, '建成村级农产品收购点', '2011-06-30', 'stage_task'));
    await file.execute(market.pledgeId, { reason: '同意' }, township);
    await publish.execute(market.pledgeId, {}, village);
    await progress.execute(market.pledgeId, { note: '选址完成', percent: 30 }, village);
    const study = await make('2011-04-10', township, {
      cycleId: q2,
      pledger: { kind: 'organization', id: TOWNSHIP },
      orgId: TOWNSHIP,
      category: 'self_improvement',
      content: '每月一次集中学习',
      dueOn: '2011-06-30',
    });
    await new ReturnPledgeHandler(streams, tree).execute(study.pledgeId, { reason: '请结合建党90周年主题' }, county);
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from events`);
    return { created: true, events: rows[0]?.n ?? 0 };
  } finally {
    await pool.end();
  }
}

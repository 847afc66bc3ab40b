import { specificationFor } from '@vanguard/kernel/testing';
import type { CampaignCommand } from './campaign.commands';
import { campaignDecider } from './campaign.decide';
import type { CampaignEvent } from './campaign.events';
import {
  CampaignIsLaunchedOnceRule,
  CampaignIsLaunchedRule,
  CycleIsAQuarterOfTheCampaignRule,
  CycleIsPlannedOnceRule,
  OneCycleIsOpenAtATimeRule,
  OnlyAnOpenCycleClosesRule,
  OnlyAPlannedCycleOpensRule,
  PhasesFollowEachOtherRule,
} from './campaign.rules';

const CAMPAIGN = '01930000-0000-7000-8000-0000000000c1';
const Q2 = '01930000-0000-7000-8000-0000000000d2';
const Q3 = '01930000-0000-7000-8000-0000000000d3';
const PROVINCE = '00000000-0000-4000-8000-000000000091';

// Seed 001 part 4: 2010-04 … 2012 in four phases.
const phases = [
  { phase: 'mobilise', startsOn: '2010-04-01', endsOn: '2010-05-31' },
  { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
  { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
  { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
] as const;
const launch = (p: readonly { phase: string; startsOn: string; endsOn: string }[] = phases): CampaignCommand =>
  ({ type: 'LaunchCampaign', data: { campaignId: CAMPAIGN, orgId: PROVINCE, name: '示范省创先争优活动', phases: p } }) as CampaignCommand;
const launched: CampaignEvent = {
  type: 'evaluation.CampaignLaunched',
  data: { campaignId: CAMPAIGN, orgId: PROVINCE, name: '示范省创先争优活动', phases: [...phases] },
};
const themes = { default: '服务群众、促进发展', bySector: { rural: '领头雁工程', government_organ: '转变作风、提高效能' } };
const plan = (cycleId = Q2, quarter = '2011-Q2', startsOn = '2011-04-01', endsOn = '2011-06-30'): CampaignCommand => ({
  type: 'PlanCycle',
  data: { cycleId, quarter, startsOn, endsOn, themes },
});
const planned = (cycleId = Q2, quarter = '2011-Q2', startsOn = '2011-04-01', endsOn = '2011-06-30'): CampaignEvent => ({
  type: 'evaluation.CyclePlanned',
  data: { campaignId: CAMPAIGN, cycleId, quarter, startsOn, endsOn, themes },
});
const opened = (cycleId = Q2): CampaignEvent => ({ type: 'evaluation.CycleOpened', data: { campaignId: CAMPAIGN, cycleId } });
const spec = specificationFor(campaignDecider);

describe('campaignDecider', () => {
  it('launches a campaign with its four phases', () => spec.given([]).when(launch()).then([launched]));
  it('launches once', () => spec.given([launched]).when(launch()).thenRefuses(CampaignIsLaunchedOnceRule));
  it('refuses phases out of order', () =>
    spec
      .given([])
      .when(launch([phases[1], phases[0], phases[2], phases[3]]))
      .thenRefuses(PhasesFollowEachOtherRule));
  it('refuses overlapping phases', () =>
    spec
      .given([])
      .when(launch([phases[0], { ...phases[1], startsOn: '2010-05-31' }, phases[2], phases[3]]))
      .thenRefuses(PhasesFollowEachOtherRule));
  it('refuses a phase that ends before it starts', () =>
    spec
      .given([])
      .when(launch([{ ...phases[0], endsOn: '2010-03-01' }, phases[1], phases[2], phases[3]]))
      .thenRefuses(PhasesFollowEachOtherRule));

  it('plans a quarterly cycle with its themes by sector', () => spec.given([launched]).when(plan()).then([planned()]));
  it('plans no cycle before the campaign is launched', () => spec.given([]).when(plan()).thenRefuses(CampaignIsLaunchedRule));
  it('plans a quarter once', () => spec.given([launched, planned()]).when(plan(Q3)).thenRefuses(CycleIsPlannedOnceRule));
  it('refuses dates outside the quarter named', () =>
    spec
      .given([launched])
      .when(plan(Q2, '2011-Q2', '2011-04-01', '2011-07-15'))
      .thenRefuses(CycleIsAQuarterOfTheCampaignRule));
  it('refuses a cycle outside the campaign', () =>
    spec
      .given([launched])
      .when(plan(Q2, '2013-Q1', '2013-01-01', '2013-03-31'))
      .thenRefuses(CycleIsAQuarterOfTheCampaignRule));

  it('opens a planned cycle', () =>
    spec
      .given([launched, planned()])
      .when({ type: 'OpenCycle', data: { cycleId: Q2 } })
      .then([opened()]));
  it('opens only a planned cycle', () =>
    spec
      .given([launched, planned(), opened()])
      .when({ type: 'OpenCycle', data: { cycleId: Q2 } })
      .thenRefuses(OnlyAPlannedCycleOpensRule));
  it('opens one cycle at a time (一季一主题)', () =>
    spec
      .given([launched, planned(), opened(), planned(Q3, '2011-Q3', '2011-07-01', '2011-09-30')])
      .when({ type: 'OpenCycle', data: { cycleId: Q3 } })
      .thenRefuses(OneCycleIsOpenAtATimeRule));
  it('closes an open cycle, after which the next may open', () => {
    const closed: CampaignEvent = { type: 'evaluation.CycleClosed', data: { campaignId: CAMPAIGN, cycleId: Q2 } };
    spec
      .given([launched, planned(), opened()])
      .when({ type: 'CloseCycle', data: { cycleId: Q2 } })
      .then([closed]);
    spec
      .given([launched, planned(), opened(), closed, planned(Q3, '2011-Q3', '2011-07-01', '2011-09-30')])
      .when({ type: 'OpenCycle', data: { cycleId: Q3 } })
      .then([opened(Q3)]);
  });
  it('closes only an open cycle', () =>
    spec
      .given([launched, planned()])
      .when({ type: 'CloseCycle', data: { cycleId: Q2 } })
      .thenRefuses(OnlyAnOpenCycleClosesRule));
});

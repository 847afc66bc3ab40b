import { fold } from '@vanguard/kernel';
import type { CampaignEvent } from '../campaign/campaign.events';
import { campaignCyclesFold, cycleOfMonth } from './campaign-cycles';

const CAMPAIGN = '01930000-0000-7000-8000-0000000000c1';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const id = (n: number) => `01930000-0000-7000-8000-0000000000d${n}`;
const planned = (n: number, startsOn: string, endsOn: string, theme: string): CampaignEvent => ({
  type: 'evaluation.CyclePlanned',
  data: {
    campaignId: CAMPAIGN,
    cycleId: id(n),
    quarter: `2011-Q${n}`,
    startsOn,
    endsOn,
    themes: { default: theme, bySector: { rural: '领头雁' } },
  },
});
const launched: CampaignEvent = {
  type: 'evaluation.CampaignLaunched',
  data: { campaignId: CAMPAIGN, orgId: COUNTY, name: '创先争优', phases: [] as never },
};

describe(cycleOfMonth.name, () => {
  const { cycles } = fold(campaignCyclesFold, [
    launched,
    planned(1, '2011-01-01', '2011-03-31', '学习实践'),
    planned(2, '2011-04-01', '2011-06-30', '喜迎建党90周年'),
    { type: 'evaluation.CycleOpened', data: { campaignId: CAMPAIGN, cycleId: id(2) } },
    planned(4, '2011-10-01', '2011-12-31', '年终总结'),
  ]);

  it('given the campaign’s cycles, when a month lies in a quarter, then it is that quarter with its default theme', () => {
    expect(cycleOfMonth(cycles, '2011-05')).toEqual({
      cycleId: id(2),
      startsOn: '2011-04-01',
      endsOn: '2011-06-30',
      theme: '喜迎建党90周年',
    });
  });

  it('given no quarter holds the month, when asked, then it is the nearest quarter before it (which the month rule then refuses)', () => {
    expect(cycleOfMonth(cycles, '2011-08')?.cycleId).toBe(id(2));
  });

  it('given a month before every quarter, when asked, then it is the first quarter', () => {
    expect(cycleOfMonth(cycles, '2010-12')?.cycleId).toBe(id(1));
  });

  it('given a campaign with no cycle planned, when asked, then there is none', () => {
    expect(cycleOfMonth(fold(campaignCyclesFold, [launched]).cycles, '2011-05')).toBeUndefined();
  });
});

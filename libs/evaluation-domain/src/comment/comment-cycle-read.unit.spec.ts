import { fold } from '@vanguard/kernel';
import { campaignDecider, campaignStream } from '../campaign/campaign.decide';
import type { CampaignEvent } from '../campaign/campaign.events';
import { commentCycleReadFrom } from './comment-cycle-read';

const CAMPAIGN = '01930000-0000-7000-8000-0000000000c1';
const COUNTY = '00000000-0000-4000-8000-000910425000';
const Q2 = '01930000-0000-7000-8000-0000000000c2';
const Q3 = '01930000-0000-7000-8000-0000000000c3';
const launched: CampaignEvent = {
  type: 'evaluation.CampaignLaunched',
  data: { campaignId: CAMPAIGN, orgId: COUNTY, name: '创先争优', phases: [] },
};
const planned = (cycleId: string, quarter: string): CampaignEvent => ({
  type: 'evaluation.CyclePlanned',
  data: { campaignId: CAMPAIGN, cycleId, quarter, startsOn: '2011-04-01', endsOn: '2011-06-30', themes: { default: 't', bySector: {} } },
});
const opened = (cycleId: string): CampaignEvent => ({ type: 'evaluation.CycleOpened', data: { campaignId: CAMPAIGN, cycleId } });
const STREAM = campaignStream(CAMPAIGN);

/** The one reading of a campaign for a comment's cycle, shared by the handler and the replay (ADR 0138). */
describe(commentCycleReadFrom.name, () => {
  const campaign = fold(campaignDecider, [launched, planned(Q2, '2011-Q2'), planned(Q3, '2011-Q3'), opened(Q2)]);

  it('reads the cycle named with its status, the campaign root and the stream at the version read', () => {
    expect(commentCycleReadFrom(campaign, STREAM, 4, Q2)).toEqual({ streamId: STREAM, version: 4, campaignOrgId: COUNTY, status: 'open' });
    expect(commentCycleReadFrom(campaign, STREAM, 4, Q3)).toEqual({
      streamId: STREAM,
      version: 4,
      campaignOrgId: COUNTY,
      status: 'planned',
    });
  });

  it('reads nothing for a cycle the campaign does not plan, or a campaign never launched', () => {
    expect(commentCycleReadFrom(campaign, STREAM, 4, CAMPAIGN)).toBeNull();
    expect(commentCycleReadFrom(fold(campaignDecider, []), STREAM, 0, Q2)).toBeNull();
  });

  it('names the campaign stream as the decisions record it', () => expect(STREAM).toBe(`campaign-${CAMPAIGN}`));
});

import { checkRule, type Decider } from '@vanguard/kernel';
import type { CampaignCommand, CloseCycle, LaunchCampaign, OpenCycle, PlanCycle } from './campaign.commands';
import type { CampaignEvent } from './campaign.events';
import {
  CampaignIsLaunchedOnceRule,
  CampaignIsLaunchedRule,
  CycleIsAQuarterOfTheCampaignRule,
  CycleIsPlannedOnceRule,
  OnlyAnOpenCycleClosesRule,
  OnlyAPlannedCycleOpensRule,
  OneCycleIsOpenAtATimeRule,
  PhasesFollowEachOtherRule,
} from './campaign.rules';
import { evolve, initialState, type CampaignState } from './campaign.state';

/** A campaign's stream id: decisions that read a campaign record it under this id (ADR 0138). */
export const campaignStream = (campaignId: string) => `campaign-${campaignId}`;

export function launchCampaign({ data }: LaunchCampaign, state: CampaignState): CampaignEvent[] {
  checkRule(new CampaignIsLaunchedOnceRule(state));
  checkRule(new PhasesFollowEachOtherRule(data.phases));
  return [{ type: 'evaluation.CampaignLaunched', data }];
}

export function planCycle({ data }: PlanCycle, state: CampaignState): CampaignEvent[] {
  checkRule(new CampaignIsLaunchedRule(state));
  checkRule(new CycleIsPlannedOnceRule(state, data));
  checkRule(new CycleIsAQuarterOfTheCampaignRule(state, data));
  return [{ type: 'evaluation.CyclePlanned', data: { campaignId: state.campaignId!, ...data } }];
}

export function openCycle({ data }: OpenCycle, state: CampaignState): CampaignEvent[] {
  checkRule(new CampaignIsLaunchedRule(state));
  checkRule(new OnlyAPlannedCycleOpensRule(state, data.cycleId));
  checkRule(new OneCycleIsOpenAtATimeRule(state));
  return [{ type: 'evaluation.CycleOpened', data: { campaignId: state.campaignId!, cycleId: data.cycleId } }];
}

export function closeCycle({ data }: CloseCycle, state: CampaignState): CampaignEvent[] {
  checkRule(new CampaignIsLaunchedRule(state));
  checkRule(new OnlyAnOpenCycleClosesRule(state, data.cycleId));
  return [{ type: 'evaluation.CycleClosed', data: { campaignId: state.campaignId!, cycleId: data.cycleId } }];
}

export function decide(command: CampaignCommand, state: CampaignState): CampaignEvent[] {
  switch (command.type) {
    case 'LaunchCampaign':
      return launchCampaign(command, state);
    case 'PlanCycle':
      return planCycle(command, state);
    case 'OpenCycle':
      return openCycle(command, state);
    case 'CloseCycle':
      return closeCycle(command, state);
  }
}

/** 创先争优活动 and its quarterly cycles on one stream. */
export const campaignDecider: Decider<CampaignCommand, CampaignState, CampaignEvent> = { initialState, evolve, decide };

import type { Decider } from '@vanguard/kernel';
import type { CampaignEvent } from '../campaign/campaign.events';

/** What a round needs from its campaign: its root and each cycle's dates and theme (the campaign's own state keeps no themes). */
export interface CampaignCycles {
  readonly orgId: string | null;
  readonly cycles: readonly { readonly cycleId: string; readonly startsOn: string; readonly endsOn: string; readonly theme: string }[];
}

/**
 * The campaign stream folded for a round's opening: the service reads it to open a round and the
 * audit folds it again, at the version the opening recorded, to replay it (ADR 0067) — one fold,
 * so the theme a replay reads is the theme the service read.
 */
export const campaignCyclesFold: Decider<never, CampaignCycles, CampaignEvent> = {
  initialState: () => ({ orgId: null, cycles: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'evaluation.CampaignLaunched':
        return { ...state, orgId: event.data.orgId };
      case 'evaluation.CyclePlanned': {
        const { cycleId, startsOn, endsOn, themes } = event.data;
        return { ...state, cycles: [...state.cycles, { cycleId, startsOn, endsOn, theme: themes.default }] };
      }
      default:
        return state;
    }
  },
  decide: () => [],
};

/**
 * The cycle a month is reviewed under: the quarter it falls in; with none, the nearest one before
 * it (or the first), which `MonthLiesInTheCycleRule` then refuses — so the refusal names the month,
 * not a missing cycle. Undefined only when the campaign plans no cycle at all.
 */
export function cycleOfMonth(cycles: CampaignCycles['cycles'], month: string): CampaignCycles['cycles'][number] | undefined {
  return (
    cycles.find((c) => c.startsOn.slice(0, 7) <= month && month <= c.endsOn.slice(0, 7)) ??
    [...cycles].reverse().find((c) => c.startsOn.slice(0, 7) <= month) ??
    cycles[0]
  );
}

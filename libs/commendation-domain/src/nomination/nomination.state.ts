import type { AwardCategory } from '@vanguard/contracts';
import type { Deeds, Nominee, ReviewStep } from './nomination.commands';
import type { NominationEvent } from './nomination.events';

/**
 * ineligible: refused at submission by a policy (the stream keeps only the check).
 * under_review: waits on `chain[atStep]`. returned: back with the nominator for amendment.
 * shortlisted: the awarding body endorsed it; it goes on the public notice.
 */
export type NominationStatus =
  'none' | 'ineligible' | 'under_review' | 'returned' | 'shortlisted' | 'rejected' | 'withdrawn' | 'decided' | 'revoked';

export interface NominationState {
  readonly status: NominationStatus;
  readonly version: number;
  readonly nominationId: string | null;
  readonly programmeId: string | null;
  readonly category: AwardCategory | null;
  readonly nominee: Nominee | null;
  readonly nominatorOrgId: string | null;
  readonly deeds: Deeds | null;
  /** Every level that reviews, the awarding body last. */
  readonly chain: readonly ReviewStep[];
  /** The index in `chain` of the level the nomination waits on. */
  readonly atStep: number;
  /** The unit whose places the nomination uses at every level. */
  readonly unitOrgId: string | null;
  /** The latest eligibility check's verdict (null before any). */
  readonly eligible: boolean | null;
  /** Steps already noted overdue in this round of review (a return starts a new round). */
  readonly overdueNoted: readonly number[];
  readonly documentNumber: string | null;
}

export const initialState = (): NominationState => ({
  status: 'none',
  version: 0,
  nominationId: null,
  programmeId: null,
  category: null,
  nominee: null,
  nominatorOrgId: null,
  deeds: null,
  chain: [],
  atStep: 0,
  unitOrgId: null,
  eligible: null,
  overdueNoted: [],
  documentNumber: null,
});

export function evolve(state: NominationState, event: NominationEvent): NominationState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'commendation.EligibilityChecked': {
      const d = event.data;
      const first = { nominationId: d.nominationId, programmeId: d.programmeId, category: d.category };
      return { ...s, ...first, eligible: d.eligible, status: s.status === 'none' && !d.eligible ? 'ineligible' : s.status };
    }
    case 'commendation.NominationSubmitted': {
      const d = event.data;
      return {
        ...s,
        status: 'under_review',
        nominationId: d.nominationId,
        programmeId: d.programmeId,
        category: d.category,
        nominee: d.nominee,
        nominatorOrgId: d.nominatorOrgId,
        deeds: d.deeds,
        chain: d.chain,
        atStep: 0,
        unitOrgId: d.quota.unitOrgId,
        overdueNoted: [],
      };
    }
    case 'commendation.NominationEndorsed':
      return event.data.shortlisted ? { ...s, status: 'shortlisted' } : { ...s, atStep: s.atStep + 1 };
    case 'commendation.NominationReturned':
      return { ...s, status: 'returned', atStep: 0, overdueNoted: [] };
    case 'commendation.NominationAmended':
      return { ...s, status: 'under_review', deeds: event.data.deeds, atStep: 0, overdueNoted: [] };
    case 'commendation.NominationRejected':
      return { ...s, status: 'rejected' };
    case 'commendation.NominationReviewOverdue':
      return { ...s, overdueNoted: [...s.overdueNoted, s.atStep] };
    case 'commendation.NominationWithdrawn':
      return { ...s, status: 'withdrawn' };
    case 'commendation.CommendationDecided':
      return { ...s, status: 'decided', documentNumber: event.data.documentNumber };
    case 'commendation.CommendationRevoked':
      return { ...s, status: 'revoked' };
  }
}

export const nominationStreamId = (nominationId: string): string => `nomination-${nominationId}`;

/** Standing: still in the running (counts against places, may be withdrawn). */
export const isStanding = (status: NominationStatus): boolean => ['under_review', 'returned', 'shortlisted'].includes(status);

/** The step the nomination waits on, if it is under review. */
export const awaitedStep = (state: NominationState): ReviewStep | null =>
  state.status === 'under_review' ? (state.chain[state.atStep] ?? null) : null;

/** For overdue lists: the awaited step when `today` is past its deadline (judged when read; noting it is a separate command). */
export function overdueStep(state: NominationState, today: string): ReviewStep | null {
  const step = awaitedStep(state);
  return step && today > step.dueOn ? step : null;
}

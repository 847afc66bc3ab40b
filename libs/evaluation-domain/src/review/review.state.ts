import type { ContractData, PeerBallotsTallied, ReviewConcluded } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { ReviewEvent } from './review.events';

/** self-assessed → tallied (a county's later count replaces the tally) → concluded → approved, or back to tallied when returned. */
export type ReviewStatus = 'none' | 'self_assessed' | 'tallied' | 'concluded' | 'approved';

export interface ReviewState {
  readonly status: ReviewStatus;
  readonly version: number;
  readonly memberId: string | null;
  readonly orgId: string | null;
  readonly year: number | null;
  readonly tally: ContractData<typeof PeerBallotsTallied>['tally'] | null;
  /** The stream version that recorded the tally in force, and the day a county said it was counted (null: the platform's count). */
  readonly tallyVersion: number | null;
  readonly tallyHeldOn: string | null;
  readonly grade: ContractData<typeof ReviewConcluded>['grade'] | null;
  /** Who concluded the pending conclusion: the approver must be someone else, above their organisation. */
  readonly concludedBy: DecidedBy | null;
}

export const initialState = (): ReviewState => ({
  status: 'none',
  version: 0,
  memberId: null,
  orgId: null,
  year: null,
  tally: null,
  tallyVersion: null,
  tallyHeldOn: null,
  grade: null,
  concludedBy: null,
});

export function evolve(state: ReviewState, event: ReviewEvent): ReviewState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.SelfAssessmentSubmitted':
      return { ...s, status: 'self_assessed', memberId: event.data.memberId, orgId: event.data.orgId, year: event.data.year };
    case 'evaluation.PeerBallotsTallied':
      return { ...s, status: 'tallied', tally: event.data.tally, tallyVersion: s.version, tallyHeldOn: event.data.heldOn ?? null };
    case 'evaluation.ReviewConcluded':
      return { ...s, status: 'concluded', grade: event.data.grade, concludedBy: event.data.decision.decidedBy };
    case 'evaluation.ReviewApproved':
      return { ...s, status: 'approved' };
    case 'evaluation.ReviewReturned':
      return { ...s, status: 'tallied', grade: null, concludedBy: null };
  }
}

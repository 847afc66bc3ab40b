import type { RatingTally } from '@vanguard/contracts';
import type { MassEvaluationEvent } from './mass-evaluation.events';

export type WindowStatus = 'none' | 'open' | 'closed' | 'published';

export interface MassEvaluationState {
  readonly status: WindowStatus;
  readonly version: number;
  readonly windowId: string | null;
  readonly eligibleVoters: number;
  /** The organisation whose subtree scopes the window (the subject, or the member's organisation). */
  readonly orgId: string | null;
  readonly subjectKind: 'organization' | 'member' | null;
  /** The organisation or member evaluated. */
  readonly subjectId: string | null;
  readonly opensOn: string | null;
  readonly closesOn: string | null;
  /** Set when the window closes: what the ballot box held, and the rate (per mille; null without ballots). */
  readonly tally: RatingTally | null;
  readonly satisfactionPermille: number | null;
}

export const initialState = (): MassEvaluationState => ({
  status: 'none',
  version: 0,
  windowId: null,
  eligibleVoters: 0,
  orgId: null,
  subjectKind: null,
  subjectId: null,
  opensOn: null,
  closesOn: null,
  tally: null,
  satisfactionPermille: null,
});

export function evolve(state: MassEvaluationState, event: MassEvaluationEvent): MassEvaluationState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.MassEvaluationOpened':
      return {
        ...s,
        status: 'open',
        windowId: event.data.windowId,
        eligibleVoters: event.data.eligibleVoters,
        orgId: event.data.orgId,
        subjectKind: event.data.subject.kind,
        subjectId: event.data.subject.id,
        opensOn: event.data.opensOn,
        closesOn: event.data.closesOn,
      };
    case 'evaluation.BallotCodesIssued':
    case 'evaluation.BallotCodesVoided':
      return s; // the count that matters lives in the ballot box; the events are the trail
    case 'evaluation.MassEvaluationClosed':
      return { ...s, status: 'closed', tally: event.data.tally, satisfactionPermille: event.data.satisfactionPermille };
    case 'evaluation.MassEvaluationPublished':
      return { ...s, status: 'published' };
  }
}

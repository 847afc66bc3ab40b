import type { MassEvaluationEvent, MassTallyEvent } from '@vanguard/evaluation-domain';
import type { Decider } from '@vanguard/kernel';

/** What an assessment reads from a mass-evaluation window: whose it is, whether closed, its rate. */
export interface SatisfactionWindow {
  readonly subject: { readonly kind: 'organization' | 'member'; readonly id: string } | null;
  readonly orgId: string | null;
  readonly opensOn: string | null;
  readonly closed: boolean;
  readonly satisfactionPermille: number | null;
}

/**
 * A fold of `mass-evaluation-<id>` for the satisfaction rate (the window's own decider keeps
 * no rate: it decides on status only), or of `mass-tally-<subjectId>-<period>`, a county's paper
 * count (ADR 0046): the count in force is a closed result whose period stands for the opening
 * day. The assessment handler folds the current stream; a replay folds it as of the version the
 * assessment recorded, so both read the same rate.
 */
export const satisfactionWindowFold: Decider<never, SatisfactionWindow, MassEvaluationEvent | MassTallyEvent> = {
  initialState: () => ({ subject: null, orgId: null, opensOn: null, closed: false, satisfactionPermille: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'evaluation.MassEvaluationOpened':
        return { ...state, subject: event.data.subject, orgId: event.data.orgId, opensOn: event.data.opensOn };
      case 'evaluation.MassEvaluationClosed':
        return { ...state, closed: true, satisfactionPermille: event.data.satisfactionPermille };
      case 'evaluation.MassEvaluationTallyRecorded':
        return {
          subject: event.data.subject,
          orgId: event.data.orgId,
          opensOn: event.data.period,
          closed: true,
          satisfactionPermille: event.data.satisfactionPermille,
        };
      case 'evaluation.BallotCodesIssued':
      case 'evaluation.BallotCodesVoided':
      case 'evaluation.MassEvaluationPublished':
        return state;
    }
  },
  decide: () => [],
};

export const massEvaluationStream = (windowId: string) => `mass-evaluation-${windowId}`;

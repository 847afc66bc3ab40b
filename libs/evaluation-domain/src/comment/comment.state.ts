import type { CommentEvent } from './comment.events';

export interface FindingState {
  readonly findingId: string;
  readonly deadline: string;
  readonly done: boolean;
  readonly markedOverdue: boolean;
}

export interface CommentState {
  readonly made: boolean;
  readonly version: number;
  readonly commentId: string | null;
  readonly orgId: string | null;
  readonly findings: readonly FindingState[];
}

export const initialState = (): CommentState => ({ made: false, version: 0, commentId: null, orgId: null, findings: [] });

const update = (s: CommentState, findingId: string, change: Partial<FindingState>): CommentState => ({
  ...s,
  findings: s.findings.map((f) => (f.findingId === findingId ? { ...f, ...change } : f)),
});

export function evolve(state: CommentState, event: CommentEvent): CommentState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.LeaderCommentMade':
    case 'evaluation.MassEvaluationFindingsRecorded':
    case 'evaluation.InspectionFindingsRecorded':
    case 'evaluation.MonthlyReviewFindingsRecorded':
      return {
        ...s,
        made: true,
        commentId: event.data.commentId,
        orgId: event.data.orgId,
        findings: event.data.findings.map((f) => ({ findingId: f.findingId, deadline: f.deadline, done: false, markedOverdue: false })),
      };
    case 'evaluation.RectificationCompleted':
      return update(s, event.data.findingId, { done: true });
    case 'evaluation.RectificationOverdue':
      return update(s, event.data.findingId, { markedOverdue: true });
  }
}

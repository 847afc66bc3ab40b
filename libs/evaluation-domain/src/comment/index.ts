export * from './comment.commands';
export { commentCycleReadFrom } from './comment-cycle-read';
export * from './comment.events';
export * from './comment.rules';
export * from './mass-evaluation-findings.rules';
export * from './inspection-findings.rules';
export * from './monthly-review-findings';
export { initialState as initialCommentState, evolve as evolveComment, type CommentState, type FindingState } from './comment.state';
export { commentDecider } from './comment.decide';

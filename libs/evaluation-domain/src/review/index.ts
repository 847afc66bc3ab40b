export * from './review.commands';
export * from './review.events';
export * from './review.rules';
export { initialState as initialReviewState, evolve as evolveReview, type ReviewState, type ReviewStatus } from './review.state';
export { reviewDecider } from './review.decide';

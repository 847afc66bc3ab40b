import type { EvaluationFeatureFactory } from './feature';

/** comments slice of the evaluation service (issue 10); empty until it lands. */
export const commentsFeature: EvaluationFeatureFactory = () => ({});

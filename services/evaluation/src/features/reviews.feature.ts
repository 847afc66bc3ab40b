import type { EvaluationFeatureFactory } from './feature';

/** reviews slice of the evaluation service (issue 10); empty until it lands. */
export const reviewsFeature: EvaluationFeatureFactory = () => ({});

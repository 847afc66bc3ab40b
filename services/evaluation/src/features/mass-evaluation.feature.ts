import type { EvaluationFeatureFactory } from './feature';

/** mass-evaluation slice of the evaluation service (issue 10); empty until it lands. */
export const massEvaluationFeature: EvaluationFeatureFactory = () => ({});

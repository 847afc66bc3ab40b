import type { EvaluationFeatureFactory } from './feature';

/** roster slice of the evaluation service (issue 10); empty until it lands. */
export const rosterFeature: EvaluationFeatureFactory = () => ({});

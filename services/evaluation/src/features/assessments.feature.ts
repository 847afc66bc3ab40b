import type { EvaluationFeatureFactory } from './feature';

/** assessments slice of the evaluation service (issue 10); empty until it lands. */
export const assessmentsFeature: EvaluationFeatureFactory = () => ({});

import type { EvaluationFeatureFactory } from './feature';

/** relay slice of the evaluation service (issue 10); empty until it lands. */
export const relayFeature: EvaluationFeatureFactory = () => ({});

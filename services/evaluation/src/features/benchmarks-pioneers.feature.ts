import type { EvaluationFeatureFactory } from './feature';

/** benchmarks-pioneers slice of the evaluation service (issue 10); empty until it lands. */
export const benchmarksPioneersFeature: EvaluationFeatureFactory = () => ({});

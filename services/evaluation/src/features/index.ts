import type { EvaluationConfig } from '../evaluation.config';
import { assessmentsFeature } from './assessments.feature';
import { benchmarksPioneersFeature } from './benchmarks-pioneers.feature';
import { commentsFeature } from './comments.feature';
import { countyFeature } from './county.feature';
import { inspectionsFeature } from './inspections.feature';
import { trainingFeature } from './training.feature';
import { monthlyReviewsFeature } from './monthly-reviews.feature';
import type { EvaluationFeature } from './feature';
import { massEvaluationFeature } from './mass-evaluation.feature';
import { relayFeature } from './relay.feature';
import { reviewsFeature } from './reviews.feature';
import { rosterFeature } from './roster.feature';

const factories = [
  rosterFeature,
  relayFeature,
  commentsFeature,
  massEvaluationFeature,
  reviewsFeature,
  assessmentsFeature,
  benchmarksPioneersFeature,
  inspectionsFeature,
  trainingFeature,
  monthlyReviewsFeature,
  countyFeature,
];

/** Every feature's controllers and providers, for the composition root. */
export function evaluationFeatures(config: EvaluationConfig): Required<EvaluationFeature> {
  const features = factories.map((factory) => factory(config));
  return {
    controllers: features.flatMap((f) => f.controllers ?? []),
    providers: features.flatMap((f) => f.providers ?? []),
  };
}

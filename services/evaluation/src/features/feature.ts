import type { Provider, Type } from '@nestjs/common';
import type { EvaluationConfig } from '../evaluation.config';

/**
 * One slice of the evaluation service (comments, mass evaluation, reviews, …): its
 * controllers and providers. The composition root spreads every feature into one module,
 * so a feature may inject the shared ports (STREAMS, CLOCK, ID_GENERATOR, ORG_TREE, PG_POOL,
 * PostgresEventStore, ScopeService) without a module of its own.
 */
export interface EvaluationFeature {
  readonly controllers?: readonly Type<unknown>[];
  readonly providers?: readonly Provider[];
}

export type EvaluationFeatureFactory = (config: EvaluationConfig) => EvaluationFeature;

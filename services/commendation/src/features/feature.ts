import type { Provider, Type } from '@nestjs/common';
import type { CommendationConfig } from '../commendation.config';

/**
 * One slice of the commendation service (eligibility facts, calendar, public notice, the
 * nomination chain, …): its controllers and providers. The composition root spreads every
 * feature into one module, so a feature may inject the shared ports (STREAMS, CLOCK,
 * ID_GENERATOR, ORG_TREE, PG_POOL, PostgresEventStore, ScopeService) without a module of its own.
 */
export interface CommendationFeature {
  readonly controllers?: readonly Type<unknown>[];
  readonly providers?: readonly Provider[];
}

export type CommendationFeatureFactory = (config: CommendationConfig) => CommendationFeature;

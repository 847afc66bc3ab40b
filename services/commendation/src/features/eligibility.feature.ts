import type { Pool } from 'pg';
import { ELIGIBILITY_FACTS } from '../application/eligibility/eligibility-facts.port';
import { PG_POOL } from '../infrastructure/database.module';
import { EligibilityFactsRunner } from '../infrastructure/eligibility/eligibility-facts.runner';
import { SqlEligibilityFacts } from '../infrastructure/eligibility/sql-eligibility-facts.read-model';
import { EligibilityHttpController } from '../interface/http/eligibility/eligibility.http.controller';
import type { CommendationFeatureFactory } from './feature';

/**
 * Eligibility facts: evaluation's public events followed from Kafka into this service's own
 * tables (`COMMENDATION_ELIGIBILITY=off` stops following; the facts held still answer).
 */
export const eligibilityFeature: CommendationFeatureFactory = (config) => ({
  controllers: [EligibilityHttpController],
  providers: [
    { provide: ELIGIBILITY_FACTS, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlEligibilityFacts(pool) },
    {
      provide: EligibilityFactsRunner,
      inject: [PG_POOL],
      useFactory: (pool: Pool) =>
        new EligibilityFactsRunner(pool, {
          enabled: config.eligibility?.enabled ?? false,
          brokers: config.kafkaBrokers,
          groupId: config.eligibility?.groupId ?? 'commendation.eligibility-facts',
          topic: config.eligibility?.topic ?? 'vanguard.evaluation.events.v1',
        }),
    },
  ],
});

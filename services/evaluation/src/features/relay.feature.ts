import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { PG_POOL } from '../infrastructure/database.module';
import { EvaluationRelayRunner } from '../infrastructure/relay/evaluation-relay.runner';
import type { EvaluationFeatureFactory } from './feature';

/** The relay from the evaluation store to Kafka (ADR 0005, 0020); `EVALUATION_RELAY=off` leaves it out. */
export const relayFeature: EvaluationFeatureFactory = (config) =>
  config.relay?.enabled === false || !config.relay
    ? {}
    : {
        providers: [
          {
            provide: EvaluationRelayRunner,
            inject: [PostgresEventStore, PG_POOL],
            useFactory: (store: PostgresEventStore, pool: Pool) =>
              new EvaluationRelayRunner(store, pool, {
                brokers: config.kafkaBrokers,
                name: config.relay?.name,
                topic: config.relay?.topic,
              }),
          },
        ],
      };

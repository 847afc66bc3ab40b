import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { PG_POOL } from '../infrastructure/database.module';
import { CommendationRelayRunner } from '../infrastructure/relay/commendation-relay.runner';
import type { CommendationFeatureFactory } from './feature';

/** The relay from the commendation store to `vanguard.commendation.events.v1` (ADR 0005, 0020); `COMMENDATION_RELAY=off` leaves it out. */
export const relayFeature: CommendationFeatureFactory = (config) =>
  config.relay?.enabled === false || !config.relay
    ? {}
    : {
        providers: [
          {
            provide: CommendationRelayRunner,
            inject: [PostgresEventStore, PG_POOL],
            useFactory: (store: PostgresEventStore, pool: Pool) =>
              new CommendationRelayRunner(store, pool, { brokers: config.kafkaBrokers, name: config.relay?.name }),
          },
        ],
      };

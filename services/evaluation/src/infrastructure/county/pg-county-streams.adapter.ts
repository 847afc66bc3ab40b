import type { PoolClient } from 'pg';
import {
  ConcurrencyError,
  ConcurrentChangeError,
  DeciderStreams,
  type PostgresEventStore,
  type StreamContext,
} from '@vanguard/event-store';
import type { Decider } from '@vanguard/kernel';
import type { CountyStreamsPort } from '../../application/county/county-translation';
import { latestEventVersion } from '../event-store/evaluation-event-versions';

/**
 * The store for county translations: folds like the handlers' port, appends in the gate's
 * transaction (the store's caller-transaction append), so the events commit with the gate's
 * inbox rows and the reply — or not at all. Window units' counted records and the ballot box's
 * trail lines append through it too, each in its own writer's transaction (ADR 0122, 0153).
 */
export class PgCountyStreamsAdapter implements CountyStreamsPort<PoolClient> {
  private readonly folds: DeciderStreams;

  constructor(private readonly store: PostgresEventStore) {
    this.folds = new DeciderStreams(store, latestEventVersion);
  }

  load<C, S, E>(streamId: string, decider: Decider<C, S, E>) {
    return this.folds.load(streamId, decider);
  }

  async append(
    tx: PoolClient,
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number> {
    try {
      const result = await this.store.append(
        streamId,
        events.map((e) => ({ type: e.type, version: latestEventVersion(e.type), data: e.data })),
        { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion, context, client: tx },
      );
      return result.nextExpectedVersion;
    } catch (e) {
      if (e instanceof ConcurrencyError) throw new ConcurrentChangeError(streamId);
      throw e;
    }
  }
}

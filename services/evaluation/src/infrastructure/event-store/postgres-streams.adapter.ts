import { ConcurrencyError, type PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import type { Decider } from '@vanguard/kernel';
import { ConcurrentChangeError, type Loaded, type StreamContext, type StreamsPort } from '../../application/ports/streams.port';
import { latestEventVersion } from './evaluation-event-versions';

/** The event store behind the handlers' port: a decider is the fold, the folded version the expectation. */
export class PostgresStreamsAdapter implements StreamsPort {
  constructor(private readonly store: PostgresEventStore) {}

  async load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>> {
    // A decider is the store's fold; only the event type differs (recorded events carry the envelope too).
    const fold = { initialState: () => decider.initialState(), evolve: (s: S, e: RecordedEvent) => decider.evolve(s, e as unknown as E) };
    const { state, version } = await this.store.aggregateStream(streamId, fold);
    return { state, version };
  }

  async append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number> {
    try {
      const result = await this.store.append(
        streamId,
        // Each event at its type's newest contract version (v2 of an event carries what v1 lacked).
        events.map((e) => ({ type: e.type, version: latestEventVersion(e.type), data: e.data })),
        { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion, context },
      );
      return result.nextExpectedVersion;
    } catch (e) {
      if (e instanceof ConcurrencyError) throw new ConcurrentChangeError(streamId);
      throw e;
    }
  }
}

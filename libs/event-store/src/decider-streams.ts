import { DomainError, type Decider } from '@vanguard/kernel';
import { ConcurrencyError } from './errors';
import type { PostgresEventStore } from './event-store';
import type { RecordedEvent } from './types';

/** Who and why, recorded on every event of one command. */
export interface StreamContext {
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly orgId?: string; readonly kind?: 'user' | 'service' };
  readonly orgId: string;
  readonly correlationId: string;
}

export interface Loaded<S> {
  readonly state: S;
  /** The stream's version as folded: the expected version of the next append. */
  readonly version: number;
}

/** The event store as command handlers see it: fold a stream with a decider, append expecting a version. */
export interface StreamsPort {
  load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>>;
  /** Refuses with a conflict (STREAM.CONCURRENT_CHANGE) when the stream moved past `expectedVersion`. */
  append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number>;
}

/** Someone else changed the stream between our read and our append: the caller may retry. */
export class ConcurrentChangeError extends DomainError {
  constructor(streamId: string) {
    super(
      'STREAM.CONCURRENT_CHANGE',
      'conflict',
      `该记录刚被他人修改，请刷新后重试 / ${streamId} was changed meanwhile; reload and try again`,
    );
  }
}

/**
 * The store behind the handlers' port, for every event-sourced service: a decider is the fold,
 * the folded version the expectation. `versionOf` gives the contract version each event type is
 * appended at (default the store's, 1).
 */
export class DeciderStreams implements StreamsPort {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly versionOf?: (type: string) => number,
  ) {}

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
    const versionOf = this.versionOf;
    try {
      const result = await this.store.append(
        streamId,
        events.map((e) => (versionOf ? { type: e.type, version: versionOf(e.type), data: e.data } : { type: e.type, data: e.data })),
        { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion, context },
      );
      return result.nextExpectedVersion;
    } catch (e) {
      if (e instanceof ConcurrencyError) throw new ConcurrentChangeError(streamId);
      throw e;
    }
  }
}

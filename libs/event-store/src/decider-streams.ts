import type { ClientBase, PoolClient } from 'pg';
import { DomainError, type Decider } from '@vanguard/kernel';
import type { StreamAppend, StreamRead } from './append-together';
import { ConcurrencyError } from './errors';
import type { PostgresEventStore } from './event-store';
import { inSavepoint } from './savepoint';
import type { AppendResult, RecordedEvent, SnapshotPolicy } from './types';

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

/** One stream's part of `appendAll`: its events and the version the handler read. */
export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly { type: string; data: unknown }[];
  readonly expectedVersion: number;
  readonly context: StreamContext;
}

/** A handler's port that can also append to several streams at once, all or nothing. */
export interface AtomicStreamsPort extends StreamsPort {
  /**
   * Appends each write expecting its version, in one transaction: a decision spanning streams
   * (say a nomination endorsed and the unit's place granted) never lands half. Writes without
   * events are skipped. `unchanged` names streams the decision read and does not write (the
   * nominations a notice lists): they must still be at the versions read when the writes commit.
   * Refuses with STREAM.CONCURRENT_CHANGE, naming the stream that moved.
   */
  appendAll(writes: readonly StreamWrite[], unchanged?: readonly StreamRead[]): Promise<number[]>;
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
export class DeciderStreams implements AtomicStreamsPort {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly versionOf?: (type: string) => number,
    /**
     * Snapshot policies by stream category (the id before its first `-`), for streams every
     * command of a kind appends to and so grow without end (a unit's places): their load starts
     * from the last snapshot instead of folding the whole stream again.
     */
    private readonly snapshots: Readonly<Record<string, SnapshotPolicy>> = {},
  ) {}

  async load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>> {
    // A decider is the store's fold; only the event type differs (recorded events carry the envelope too).
    const fold = { initialState: () => decider.initialState(), evolve: (s: S, e: RecordedEvent) => decider.evolve(s, e as unknown as E) };
    const dash = streamId.indexOf('-');
    const snapshot = dash > 0 ? this.snapshots[streamId.slice(0, dash)] : undefined;
    const { state, version } = await this.store.aggregateStream(streamId, fold, snapshot ? { snapshot } : {});
    return { state, version };
  }

  append(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number> {
    return this.write(streamId, events, expectedVersion, context);
  }

  /**
   * `append` as a statement of its own on `session`, a connection the caller holds and is in no
   * transaction: say the one that holds a session advisory lock. A session lock is lost only with
   * its session (or its unlock), and the append can commit only while that session lives, so an
   * append guarded by the lock never lands after the lock was lost and someone else took it. An
   * answer lost with the connection is looked up (the store's `ownStatement`).
   */
  appendOn(
    session: ClientBase,
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
  ): Promise<number> {
    return this.write(streamId, events, expectedVersion, context, { client: session, ownStatement: true });
  }

  /**
   * These streams with every append in the caller's transaction on `client`: committed with it or
   * not at all, so an append guarded by a transaction's lock (ADR 0113's objection filings) never
   * commits once that lock is gone. Each append is a savepoint of its own, so a refused one
   * (STREAM.CONCURRENT_CHANGE) leaves the transaction usable for the caller's next try. Loads read
   * committed rows through the pool, as `load` does.
   */
  inTransaction(client: PoolClient): AtomicStreamsPort {
    const savepoint = <T>(work: () => Promise<T>) => inSavepoint(client, 'vanguard_append', work);
    return {
      load: (streamId, decider) => this.load(streamId, decider),
      append: (streamId, events, expectedVersion, context) =>
        savepoint(() => this.write(streamId, events, expectedVersion, context, { client, ownStatement: false })),
      appendAll: (writes, unchanged = []) =>
        this.together(writes, (appends) => savepoint(() => this.store.appendTogetherOn(client, appends, unchanged))),
    };
  }

  private async write(
    streamId: string,
    events: readonly { type: string; data: unknown }[],
    expectedVersion: number,
    context: StreamContext,
    on?: { readonly client: ClientBase; readonly ownStatement: boolean },
  ): Promise<number> {
    try {
      const result = await this.store.append(streamId, this.newEvents(events), {
        expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion,
        context,
        ...on,
      });
      return result.nextExpectedVersion;
    } catch (e) {
      if (e instanceof ConcurrencyError) throw new ConcurrentChangeError(e.streamId);
      throw e;
    }
  }

  async appendAll(writes: readonly StreamWrite[], unchanged: readonly StreamRead[] = []): Promise<number[]> {
    const some = writes.filter((w) => w.events.length > 0);
    if (some.length === 0) return writes.map((w) => w.expectedVersion);
    if (some.length === 1 && unchanged.length === 0) {
      const w = some[0]!;
      const next = await this.append(w.streamId, w.events, w.expectedVersion, w.context);
      return writes.map((x) => (x === w ? next : x.expectedVersion));
    }
    return this.together(writes, (appends) => this.store.appendTogether(appends, unchanged));
  }

  /** The writes with events appended by `append`, all or none: each write's next version (its own if it had none). */
  private async together(writes: readonly StreamWrite[], append: (appends: StreamAppend[]) => Promise<AppendResult[]>): Promise<number[]> {
    const some = writes.filter((w) => w.events.length > 0);
    if (some.length === 0) return writes.map((w) => w.expectedVersion);
    try {
      const results = await append(this.appends(some));
      return writes.map((w) => {
        const i = some.indexOf(w);
        return i >= 0 ? results[i]!.nextExpectedVersion : w.expectedVersion;
      });
    } catch (e) {
      if (e instanceof ConcurrencyError) throw new ConcurrentChangeError(e.streamId);
      throw e;
    }
  }

  private appends(writes: readonly StreamWrite[]): StreamAppend[] {
    return writes.map((w) => ({
      streamId: w.streamId,
      events: this.newEvents(w.events),
      options: { expectedVersion: w.expectedVersion === 0 ? 'no_stream' : w.expectedVersion, context: w.context },
    }));
  }

  private newEvents(events: readonly { type: string; data: unknown }[]) {
    const versionOf = this.versionOf;
    return events.map((e) => (versionOf ? { type: e.type, version: versionOf(e.type), data: e.data } : { type: e.type, data: e.data }));
  }
}

import { AppendOutcomeUnknownError } from './errors';
import { STALE_TRANSACTION_SQLSTATE } from './schema';

/** One append as the database function takes it: the canonical texts split around the stream version. */
export interface AppendRequest {
  readonly streamId: string;
  readonly category: string;
  /** null: any version. */
  readonly expected: number | null;
  readonly heads: readonly string[];
  readonly tails: readonly string[];
  /** The events' ids, by which a write whose outcome is unknown is looked up. */
  readonly eventIds: readonly string[];
}

export interface AppendedRow {
  readonly position: string;
  readonly streamVersion: string;
  readonly transactionId: string;
  readonly hash: string;
}

/** What happened to one request of a group: its rows, or the version it found instead of the expected one. */
export type AppendOutcome = { readonly rows: readonly AppendedRow[] } | { readonly actual: number };

/** Writes the requests in one transaction; a version mismatch is an outcome, any other failure throws. */
export type WriteGroup = (requests: readonly AppendRequest[]) => Promise<AppendOutcome[]>;

/**
 * After a write failed in a way that leaves its outcome unknown (the connection broke, maybe
 * after COMMIT): once that transaction can no longer commit, what each request stored (null:
 * nothing). Throws when it cannot find out.
 */
export type ResolveGroup = (requests: readonly AppendRequest[], failure: unknown) => Promise<(AppendOutcome | null)[]>;

export interface GroupStore {
  readonly write: WriteGroup;
  readonly resolve: ResolveGroup;
}

export interface GroupCommitOptions {
  /** Groups being written at once, each on its own connection; default 2. */
  readonly maxInFlight?: number;
  /** Most appends in one group; default 64. */
  readonly maxAppends?: number;
  /**
   * Most events in one group; default 1,000, so appends of 100 events share commits too:
   * every append NOTIFYs, and Postgres serialises the commits (WAL flush included) of
   * notifying transactions, so 16 writers' batches written one transaction each queued on
   * the flush and cost the server half again as much CPU per event (ADR 0023). An append this
   * large already spreads its commit over its events, so it is written at once on its own,
   * outside the in-flight limit.
   */
  readonly maxEvents?: number;
  /** Writes of one group after failures that prove nothing was committed; default 8. */
  readonly maxAttempts?: number;
}

/**
 * What a failed write proves. `retry`: nothing was committed and the same group can succeed
 * in a new transaction (a stale transaction id, a deadlock, a serialization failure).
 * `rejected`: the server refused a statement, so nothing was committed, but writing the group
 * again would fail again (say a duplicate eventId). `unknown`: the connection failed, and the
 * transaction may have committed before it did.
 */
export function failureKind(e: unknown): 'retry' | 'rejected' | 'unknown' {
  const err = (e ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof err.code !== 'string' || err.severity !== 'ERROR') return 'unknown';
  return err.code === STALE_TRANSACTION_SQLSTATE || err.code === '40P01' || err.code === '40001' ? 'retry' : 'rejected';
}

interface Waiting {
  readonly request: AppendRequest;
  readonly resolve: (o: AppendOutcome) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit: appends that arrive while `maxInFlight` groups are being written wait, and
 * go together as the next group, in one transaction and one WAL flush. A lone append goes
 * at once, so grouping adds no latency when there is no queue. The commit (the fsync) is
 * what bounds single-event appends; sharing it is how KurrentDB and Postgres's own
 * commit_delay get past that bound.
 *
 * A stream is in at most one group being written: later appends of it wait until that group
 * is settled, retries included, so appends of one stream are applied in arrival order. A
 * failed group is written again only when the failure proves nothing was committed; when the
 * connection broke, the appends are first looked up, and only those not stored are written
 * again.
 */
export class GroupCommitter {
  private readonly queue: Waiting[] = [];
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  private readonly maxAttempts: number;
  private readonly store: GroupStore;

  constructor(store: GroupStore | WriteGroup, options: GroupCommitOptions = {}) {
    this.store =
      typeof store === 'function'
        ? {
            write: store,
            resolve: () => Promise.reject(new Error('this committer cannot look appends up')),
          }
        : store;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.maxAppends = Math.max(1, options.maxAppends ?? 64);
    this.maxEvents = Math.max(1, options.maxEvents ?? 1000);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  }

  submit(request: AppendRequest): Promise<AppendOutcome> {
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts what can start, in queue order: appends of a stream that is being written, or that
   * an earlier waiting append of the same stream waits for, stay queued.
   */
  private pump(): void {
    const held = new Set<string>();
    const waiting: Waiting[] = [];
    let group: Waiting[] = [];
    let events = 0;
    for (const w of this.queue) {
      const { streamId, heads } = w.request;
      const grouped = group.some((g) => g.request.streamId === streamId);
      if (this.busy.has(streamId) || held.has(streamId) || (grouped && heads.length >= this.maxEvents)) {
        waiting.push(w);
        held.add(streamId);
      } else if (heads.length >= this.maxEvents) {
        this.start([w], false);
      } else if (group.length > 0 && (group.length >= this.maxAppends || events + heads.length > this.maxEvents)) {
        this.start(group, true);
        group = [];
        events = 0;
        // The group just started may hold this stream: joining the next one would write it twice at once.
        if (this.inFlight < this.maxInFlight && !this.busy.has(streamId)) {
          group.push(w);
          events = heads.length;
        } else {
          waiting.push(w);
          held.add(streamId);
        }
      } else if (group.length > 0 || this.inFlight < this.maxInFlight) {
        group.push(w);
        events += heads.length;
      } else {
        waiting.push(w);
        held.add(streamId);
      }
    }
    if (group.length > 0) this.start(group, true);
    this.queue.splice(0, this.queue.length, ...waiting);
  }

  private start(group: Waiting[], counted: boolean): void {
    for (const w of group) this.busy.add(w.request.streamId);
    if (counted) this.inFlight++;
    void this.settle(group).finally(() => {
      for (const w of group) this.busy.delete(w.request.streamId);
      if (counted) this.inFlight--;
      this.pump();
    });
  }

  /** Writes the group until every append has its outcome or an error that decides it. */
  private async settle(group: readonly Waiting[]): Promise<void> {
    let pending = group;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        const outcomes = await this.store.write(pending.map((w) => w.request));
        pending.forEach((w, i) => w.resolve(outcomes[i]!));
        return;
      } catch (e) {
        failure = e;
      }
      const kind = failureKind(failure);
      if (kind === 'rejected') {
        if (pending.length === 1) return pending[0]!.reject(failure);
        return this.oneByOne(pending);
      }
      if (kind === 'unknown') {
        let stored: (AppendOutcome | null)[];
        try {
          stored = await this.store.resolve(
            pending.map((w) => w.request),
            failure,
          );
        } catch {
          for (const w of pending) w.reject(new AppendOutcomeUnknownError(w.request.streamId, failure));
          return;
        }
        pending = pending.filter((w, i) => {
          const o = stored[i];
          if (o) w.resolve(o);
          return !o;
        });
        if (pending.length === 0) return;
      }
      if (attempt >= this.maxAttempts) {
        for (const w of pending) w.reject(failure);
        return;
      }
    }
  }

  /** After a refused group: each append alone, so only the bad one fails; one stream's in order. */
  private async oneByOne(group: readonly Waiting[]): Promise<void> {
    const byStream = new Map<string, Waiting[]>();
    for (const w of group) byStream.set(w.request.streamId, [...(byStream.get(w.request.streamId) ?? []), w]);
    await Promise.all(
      [...byStream.values()].map(async (appends) => {
        for (const w of appends) await this.settle([w]);
      }),
    );
  }
}

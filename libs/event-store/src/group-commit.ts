/** One append as the database function takes it: the canonical texts split around the stream version. */
export interface AppendRequest {
  readonly streamId: string;
  readonly category: string;
  /** null: any version. */
  readonly expected: number | null;
  readonly heads: readonly string[];
  readonly tails: readonly string[];
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

export interface GroupCommitOptions {
  /** Groups being written at once, each on its own connection; default 2. */
  readonly maxInFlight?: number;
  /** Most appends in one group; default 64. */
  readonly maxAppends?: number;
  /**
   * Most events in one group; default 100. An append this large already spreads its commit
   * over its events, so it is written at once on its own, outside the in-flight limit, where
   * it can use another core instead of waiting.
   */
  readonly maxEvents?: number;
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
 * commit_delay get past that bound. A group that fails for any reason other than a version
 * mismatch is retried one append at a time, so each caller gets its own outcome or error.
 */
export class GroupCommitter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxAppends: number;
  private readonly maxEvents: number;

  constructor(
    private readonly writeGroup: WriteGroup,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.maxAppends = Math.max(1, options.maxAppends ?? 64);
    this.maxEvents = Math.max(1, options.maxEvents ?? 100);
  }

  submit(request: AppendRequest): Promise<AppendOutcome> {
    if (request.heads.length >= this.maxEvents) return this.writeGroup([request]).then((o) => o[0]!);
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.groupLength());
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** How many queued appends the next group takes: at least one, within both caps. */
  private groupLength(): number {
    let events = 0;
    let n = 0;
    while (n < this.queue.length && n < this.maxAppends) {
      events += this.queue[n]!.request.heads.length;
      if (n > 0 && events > this.maxEvents) break;
      n++;
    }
    return n;
  }

  private async write(group: readonly Waiting[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.writeGroup(group.map((w) => w.request));
    } catch (e) {
      if (group.length === 1) return group[0]!.reject(e);
      await Promise.all(group.map((w) => this.writeGroup([w.request]).then((o) => w.resolve(o[0]!), w.reject)));
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]!));
  }
}

import type { Admin, Kafka } from 'kafkajs';
import { InfrastructureUnavailable } from './retry-policy';

export interface ReadThroughOptions {
  /** A measurement younger than this is answered again rather than asking the broker; default 250 ms. */
  readonly freshMs?: number;
  /** How long a measurement may take before it is InfrastructureUnavailable; default 2 s (a caller may hold locks meanwhile). */
  readonly timeoutMs?: number;
  /**
   * How much earlier than a measurement its answer is: the broker stamps a record (LogAppendTime)
   * a moment before the record counts in its partition's end. Default 1 s.
   */
  readonly settleMs?: number;
  /** Wall-clock time, the broker's kind (never a service's test clock). */
  readonly now?: () => number;
}

/**
 * The latest moment up to which a consumer group is known to have processed everything on its
 * topics. Each measurement at t notes every partition's end (read after t, so it is above every
 * record appended before t); once the group's committed offsets reach the ends noted at t, each
 * such record is done, and t is the answer. A group that is behind at every measurement still
 * advances while records keep coming, as long as it reaches the ends an earlier measurement
 * noted. Before any is reached the answer is the epoch. The answer is `settleMs` before the
 * measurement (a record is stamped a moment before it counts in the end), and offsets are
 * committed about every second after the work, so it errs early, never late. Callers at the same moment share one
 * measurement.
 */
const MAX_NOTED = 64;

/** One partition of a group's topics: how far the group has done it, and where it ends. */
export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset; never committed: the partition's start (what it no longer holds counts as done). */
  readonly done: number;
  readonly end: number;
}

/**
 * Every partition of `topics` with the group's position in it. The ends are read before the
 * committed offsets: a position read at t has every record appended before t below its end.
 */
export async function partitionPositions(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionPosition[]> {
  const ends: { topic: string; partition: number; low: number; high: number }[] = [];
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      ends.push({ topic, partition: p.partition, low: Number(p.low), high: Number(p.high) });
  const committed = new Map<string, number>();
  for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] }))
    for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, Number(p.offset));
  return ends.map((e) => {
    const offset = committed.get(`${e.topic}/${e.partition}`) ?? -1;
    return { topic: e.topic, partition: e.partition, done: offset >= 0 ? offset : e.low, end: e.high };
  });
}

export class GroupReadThrough {
  private known = 0;
  private stopped = false;
  /** Ends noted at a moment the group had not yet reached, oldest first. */
  private noted: { at: number; ends: ReadonlyMap<string, number> }[] = [];
  private measuredAt = Number.NEGATIVE_INFINITY;
  private measuring: Promise<Date> | undefined;
  private admin: Admin | undefined;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly options: ReadThroughOptions = {},
  ) {}

  /** Throws InfrastructureUnavailable when the broker does not answer in time: no verdict on anything. */
  readThrough(): Promise<Date> {
    // Stopped with its client (a service shutting down): no measurement on a closed client.
    if (this.stopped) return Promise.reject(new InfrastructureUnavailable(`${this.groupId}'s read-through is stopped`));
    if (this.now() - this.measuredAt < (this.options.freshMs ?? 250)) return Promise.resolve(new Date(this.known));
    this.measuring ??= this.measure().finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  /** For good: later calls are InfrastructureUnavailable. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.dropAdmin();
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async measure(): Promise<Date> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InfrastructureUnavailable(`the broker did not say how far ${this.groupId} has read`)),
        this.options.timeoutMs ?? 2_000,
      );
    });
    try {
      return await Promise.race([this.caughtUp(), late]);
    } catch (e) {
      // A fresh admin next time: this one may be half connected.
      await this.dropAdmin();
      throw e instanceof InfrastructureUnavailable
        ? e
        : new InfrastructureUnavailable(`how far ${this.groupId} has read: ${String(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  private async caughtUp(): Promise<Date> {
    const admin = await this.connectedAdmin();
    const at = this.now();
    const positions = await partitionPositions(admin, this.groupId, this.topics);
    const ends = new Map(positions.map((p) => [`${p.topic}/${p.partition}`, p.end]));
    const committed = new Map(positions.map((p) => [`${p.topic}/${p.partition}`, p.done]));
    // The ends above come from the client's cached metadata, up to five minutes old: a partition
    // added since would be missing, and with it the links it holds. Until it is there, nothing is reached.
    for (const t of (await admin.fetchTopicMetadata({ topics: [...this.topics] })).topics)
      for (const p of t.partitions) if (!ends.has(`${t.name}/${p.partitionId}`)) ends.set(`${t.name}/${p.partitionId}`, Infinity);
    this.noted.push({ at, ends });
    // A topic without partitions (not made yet) reaches nothing either.
    const reached = (noted: ReadonlyMap<string, number>) =>
      noted.size > 0 && [...noted].every(([key, end]) => (committed.get(key) ?? 0) >= end);
    // Reaching a later moment's ends reaches every earlier one's: the latest reached is the answer.
    for (let i = this.noted.length - 1; i >= 0; i--) {
      if (!reached(this.noted[i]!.ends)) continue;
      this.known = Math.max(this.known, this.noted[i]!.at - (this.options.settleMs ?? 1_000));
      this.noted = this.noted.slice(i + 1);
      break;
    }
    // A group far behind: the oldest notes are the least use (a later one reached answers for them).
    if (this.noted.length > MAX_NOTED) this.noted = this.noted.slice(-MAX_NOTED);
    this.measuredAt = at;
    return new Date(this.known);
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 } });
      this.connected = this.admin.connect();
    }
    await this.connected;
    return this.admin;
  }
}

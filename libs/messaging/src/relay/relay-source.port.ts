import type { EventEnvelope } from '@vanguard/contracts';
import type { RefusedRecord } from './relay-dead-letters';

/** One committed event to publish. `topic` defaults to the event's context topic (see Relay). */
export interface RelayRecord {
  readonly envelope: EventEnvelope;
  readonly topic?: string;
}

export interface RelayBatch<TCheckpoint> {
  /** Oldest first; per stream in stream-version order. */
  readonly records: readonly RelayRecord[];
  /** Where the next read continues once these records are on Kafka; pass to `commit`. */
  readonly checkpoint: TCheckpoint;
  /**
   * No records, but some have committed and will be readable shortly (the store holds them
   * back behind an older open transaction): the relay looks again soon instead of idling.
   */
  readonly heldBack?: boolean;
  /**
   * This instance does not lead the source (another replica holds its lock): nothing was
   * read and there is nothing to commit. The relay idles; it is not a failure.
   */
  readonly standby?: boolean;
  /**
   * Records the source will not let out (they do not fit their contract, say). The relay
   * hands them to `deadLetter` with Kafka's own refusals before committing the checkpoint,
   * which covers them too.
   */
  readonly refused?: readonly RefusedRecord[];
}

/** What `watch` returns: whether wake-ups can arrive right now, and how to stop them. */
export interface SourceWatch {
  readonly listening: boolean;
  stop(): Promise<void>;
}

/**
 * Where the relay reads committed events from: the outbox table here, the event store's
 * global log in @vanguard/event-store. The relay calls, strictly in sequence:
 * `read(after, limit)` → publish every record (acks from all in-sync replicas) →
 * `deadLetter(refused)` if any were refused → `commit(batch.checkpoint)`; nothing after a
 * `standby` read.
 *
 * Rules for an implementation:
 * - Return only committed events, and never skip one that commits later with a lower
 *   position (read below a safe high-water mark, or track unpublished rows).
 * - `after` is the checkpoint of the last committed batch in this process, or `undefined`
 *   after a (re)start: then continue from the durably stored checkpoint.
 * - `commit` stores the checkpoint durably; events up to it are never read again.
 *   A crash between publish and commit re-publishes that batch (at-least-once).
 */
export interface RelaySource<TCheckpoint = unknown> {
  /** For logs and metric labels, e.g. `organization-outbox`. */
  readonly name: string;
  /**
   * Whether this instance may publish right now (it holds the source's lock and heard from it
   * recently, ADR 0015). The relay asks before each publish and drops the batch if not; a
   * source without a lock leaves it out.
   */
  readonly isLeader?: boolean;
  read(after: TCheckpoint | undefined, limit: number): Promise<RelayBatch<TCheckpoint>>;
  commit(checkpoint: TCheckpoint): Promise<void>;
  /**
   * Keeps records that were not published (refused by Kafka or by the source) where an
   * operator can see and re-drive them; called before `commit`, and must be idempotent per
   * eventId. Without it a refused record fails the round, again and again.
   */
  deadLetter?(refused: readonly RefusedRecord[]): Promise<void>;
  /** Releases what the source holds (connections, leader locks); the relay calls it on stop. */
  close?(): Promise<void>;
  /**
   * Optional: calls `wake` when new records may be readable, so an idle relay reads at once
   * instead of after its idle pause: on a notification from the writers, and after the
   * watching connection reconnects (notifications sent while it was down are lost). Without
   * it the relay only polls.
   */
  watch?(wake: () => void, onError: (error: unknown) => void): SourceWatch;
}

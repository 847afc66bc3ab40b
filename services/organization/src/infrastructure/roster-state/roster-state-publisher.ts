import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import {
  MEMBER_STATE_TOPIC,
  MemberState,
  MemberStateRemoved,
  ORGANIZATION_STATE_TOPIC,
  OrganizationState,
  OrganizationStateRemoved,
  STATE_REMOVAL_HEADER,
  type EventEnvelope,
} from '@vanguard/contracts';
import type { OrgEventSigner } from '@vanguard/auth';
import { RelayLeaderLease, envelopeHeaders, produceRequests, toKafkaMessage } from '@vanguard/messaging';
import { organizationEnvelope } from '../outbox/organization-envelope';
import { DELETE_NOTES, notedBatch, READ_NOTED, type NotedBatch, type NotedRow, type NotedState } from './roster-state.sql';

export interface RosterStatePublisherOptions {
  /** Names the leader lease: one publisher per schema. */
  readonly lockKey: string;
  /** Notes per round; default 2,000 (sent in requests under the broker's 1 MB, `produceRequests`). */
  readonly batchSize?: number;
  /** Pause when nothing is noted or another instance leads; default 250 ms. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Where to publish; default the contracts' topics (tests use their own). */
  readonly topics?: { readonly organization: string; readonly member: string };
  /** Lease timeout T (ADR 0015): a silent leader stops within T/2, a standby takes over after about T. Default 10 s. */
  readonly leaseTimeoutMs?: number;
}

const ACTOR = { sub: 'organization-roster-state', roles: [], kind: 'service' as const };
/** A removal's orgId: the row is gone, and no subtree scopes it any more. */
const NO_ORGANISATION = 'platform';

/**
 * Publishes the latest state of every noted organisation and member (ADR 0029): read the
 * oldest notes with their rows' current states (one statement), send them keyed by id (for a
 * row that no longer exists, a tombstone carrying its signed removal, ADR 0130), and only then
 * delete the notes. A crash in between sends them again, with higher versions: harmless to a
 * consumer that keeps the newest.
 *
 * Running (`start`), the next batch is read and signed while the previous one is on its way to
 * Kafka (signing and the broker's round trip were each about half of a round); sends stay one at a
 * time, in read order, so a key's newer state never overtakes its older one.
 *
 * One leader per schema, through the relay's lease (RelayLeaderLease, ADR 0015): a lock on a
 * connection of its own with keepalives and a heartbeat, so a leader whose lock connection went
 * silent stops sending within T/2, before Postgres can hand the lock to a standby. Reads and
 * deletes run on the lease's session (refused once it is not trusted); the lease is asked again
 * right before every send.
 */
export class RosterStatePublisher {
  private readonly lease: RelayLeaderLease;
  private producer: Producer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    pool: Pool,
    private readonly kafka: Kafka,
    private readonly signer: OrgEventSigner,
    private readonly options: RosterStatePublisherOptions,
  ) {
    this.lease = new RelayLeaderLease(pool, options.lockKey, options.leaseTimeoutMs);
  }

  /** Leads and trusts its lease now. */
  get isLeader(): boolean {
    return this.lease.held;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect();
    this.producer = undefined;
    await this.lease.release();
  }

  /** One round, nothing overlapped; returns the records sent (0 when nothing was noted or another instance leads). */
  async publishOnce(): Promise<number> {
    if (!(await this.lease.acquire())) return 0;
    const batch = await this.read([]);
    if (!batch.seqs.length) return 0;
    await this.sendAndDelete(this.messages(batch.states), batch);
    return batch.states.length;
  }

  private async read(inFlight: readonly string[]): Promise<NotedBatch> {
    return notedBatch(await this.lease.query<NotedRow>(READ_NOTED, [this.options.batchSize ?? 2_000, inFlight]));
  }

  private async sendAndDelete(byTopic: Map<string, Message[]>, batch: NotedBatch): Promise<void> {
    const producer = await this.connectedProducer();
    // Asked right before sending: a leader whose lease lapsed while it read and signed must not publish.
    if (!this.lease.held)
      throw new Error(`roster state ${this.options.lockKey}: lost the lease before sending; the notes stay for the next leader`);
    // In requests under the broker's limit: a round of 2,000 batch-signed states (ADR 0085) put
    // about 1.1 MB in one partition's share, refused at every retry. Notes go only once all is sent.
    for (const request of produceRequests([...byTopic].map(([topic, messages]) => ({ topic, messages })))) {
      // Asked again before each request: a lapsed leader's older states must not land after the new one's.
      if (!this.lease.held)
        throw new Error(`roster state ${this.options.lockKey}: lost the lease while sending; the notes stay for the next leader`);
      await producer.sendBatch({ acks: -1, topicMessages: request });
    }
    await this.lease.query(DELETE_NOTES, [batch.seqs]);
  }

  private messages(states: readonly NotedState[]): Map<string, Message[]> {
    const at = new Date().toISOString();
    const topics = this.options.topics ?? { organization: ORGANIZATION_STATE_TOPIC, member: MEMBER_STATE_TOPIC };
    const byTopic = new Map<string, Message[]>([
      [topics.organization, []],
      [topics.member, []],
    ]);
    const entries = states.map((s) => {
      const topic = s.kind === 'organization' ? topics.organization : topics.member;
      const key = `${s.kind}-${s.id}`;
      const envelope = organizationEnvelope({
        eventId: randomUUID(),
        type: stateType(s),
        streamId: key,
        streamVersion: s.version,
        at,
        actor: ACTOR,
        orgId: s.data?.orgId ?? NO_ORGANISATION,
        correlationId: randomUUID(),
        causationId: null,
        data: s.data ?? (s.kind === 'organization' ? { orgId: s.id } : { memberId: s.id }),
      });
      return { topic, removal: s.data === null, envelope };
    });
    // One signature for the batch's states and removals (ADR 0085); each record still verifies on its own.
    const signed = this.signer.signBatch(entries.map((e) => e.envelope));
    entries.forEach((e, i) => byTopic.get(e.topic)!.push(e.removal ? removalMessage(signed[i]!) : toKafkaMessage(signed[i]!)));
    for (const [topic, messages] of byTopic) if (!messages.length) byTopic.delete(topic);
    return byTopic;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await p.connect();
    this.producer = p;
    return p;
  }

  /**
   * Rounds until stopped, one batch in flight: while it is sent (and its notes deleted), the next
   * one is read — without the notes in flight — and signed; it is sent once the previous send and
   * delete are done. Any failure drops the batch read ahead; its notes stay and are read again.
   */
  private async run(): Promise<void> {
    let backoff = 200;
    let inFlight: { seqs: readonly string[]; done: Promise<unknown> } | undefined;
    const settle = async () => {
      const flight = inFlight;
      inFlight = undefined;
      const outcome = await flight?.done;
      if (outcome instanceof Error) throw outcome;
    };
    while (this.running) {
      try {
        if (!(await this.lease.acquire())) {
          await settle();
          await this.pause(this.options.idleMs ?? 250);
          continue;
        }
        const batch = await this.read(inFlight?.seqs ?? []);
        if (!batch.seqs.length) {
          if (inFlight) await settle();
          else await this.pause(this.options.idleMs ?? 250);
          continue;
        }
        const byTopic = this.messages(batch.states);
        await settle();
        // Not awaited here: the next round reads and signs meanwhile. `done` never rejects (unobserved rejections would crash the process).
        inFlight = {
          seqs: batch.seqs,
          done: this.sendAndDelete(byTopic, batch).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
        };
        backoff = 200;
      } catch (e) {
        await settle().catch(() => undefined);
        this.options.onError?.(e);
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
    await settle().catch((e: unknown) => this.options.onError?.(e));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

function stateType(s: NotedState): string {
  if (s.data === null) return s.kind === 'organization' ? OrganizationStateRemoved.type : MemberStateRemoved.type;
  return s.kind === 'organization' ? OrganizationState.type : MemberState.type;
}

/**
 * Noted but gone: a truly deleted row leaves the compacted topic by a tombstone (value null, so
 * compaction drops the key), which carries the signed removal in a header: a consumer removes its
 * copy only on that (ADR 0130), as a bare null value is anybody's to send.
 */
function removalMessage(removal: EventEnvelope): Message {
  return { key: removal.streamId, value: null, headers: { ...envelopeHeaders(removal), [STATE_REMOVAL_HEADER]: JSON.stringify(removal) } };
}

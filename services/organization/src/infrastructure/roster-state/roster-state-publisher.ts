import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { MEMBER_STATE_TOPIC, MemberState, ORGANIZATION_STATE_TOPIC, OrganizationState } from '@vanguard/contracts';
import type { OrgEventSigner } from '@vanguard/auth';
import { LeaderLock, toKafkaMessage } from '@vanguard/messaging';
import { organizationEnvelope } from '../outbox/organization-envelope';
import { deleteNotes, readMemberStates, readNotes, readOrganizationStates, type ReadState } from './roster-state.sql';

export interface RosterStatePublisherOptions {
  /** Names the leader lock: one publisher per schema. */
  readonly lockKey: string;
  /** Notes per round; default 2,000. */
  readonly batchSize?: number;
  /** Pause when nothing is noted; default 250 ms. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Where to publish; default the contracts' topics (tests use their own). */
  readonly topics?: { readonly organization: string; readonly member: string };
}

const ACTOR = { sub: 'organization-roster-state', roles: [], kind: 'service' as const };

/**
 * Publishes the latest state of every noted organisation and member (ADR 0029): read the
 * oldest notes, read those rows' current states, send them keyed by id (a tombstone for a row
 * that no longer exists), and only then delete the notes. A crash in between sends them again,
 * with higher versions: harmless to a consumer that keeps the newest. One leader per schema.
 */
export class RosterStatePublisher {
  private readonly lock: LeaderLock;
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
    this.lock = new LeaderLock(pool, options.lockKey);
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
    await this.lock.release();
  }

  /** One round; returns the records sent (0 when nothing was noted or another instance leads). */
  async publishOnce(): Promise<number> {
    const client = await this.lock.acquire();
    if (!client) return 0;
    return this.lock.run(client, async (c) => {
      const notes = await readNotes(c, this.options.batchSize ?? 2_000);
      if (!notes.length) return 0;
      const messages = await this.messages(c, notes);
      const producer = await this.connectedProducer();
      const byTopic = new Map<string, Message[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
      await deleteNotes(
        c,
        notes.map((n) => n.seq),
      );
      return messages.length;
    });
  }

  private async messages(c: PoolClient, notes: readonly { kind: string; entityId: string }[]) {
    const orgIds = [...new Set(notes.filter((n) => n.kind === 'organization').map((n) => n.entityId))];
    const memberIds = [...new Set(notes.filter((n) => n.kind === 'member').map((n) => n.entityId))];
    const orgs = await readOrganizationStates(c, orgIds);
    const members = await readMemberStates(c, memberIds);
    const at = new Date().toISOString();
    const out: { topic: string; message: Message }[] = [];
    const topics = this.options.topics ?? { organization: ORGANIZATION_STATE_TOPIC, member: MEMBER_STATE_TOPIC };
    const envelope = (type: string, stream: string, s: ReadState<object>, orgId: string) =>
      toKafkaMessage(
        this.signer.sign(
          organizationEnvelope({
            eventId: randomUUID(),
            type,
            streamId: `${stream}-${s.id}`,
            streamVersion: s.version,
            at,
            actor: ACTOR,
            orgId,
            correlationId: randomUUID(),
            causationId: null,
            data: s.data as Record<string, unknown>,
          }),
        ),
      );
    for (const s of orgs) out.push({ topic: topics.organization, message: envelope(OrganizationState.type, 'organization', s, s.id) });
    for (const s of members) out.push({ topic: topics.member, message: envelope(MemberState.type, 'member', s, s.data.orgId) });
    // Noted but gone: truly deleted rows leave the compacted topic by a tombstone.
    const found = new Set([...orgs.map((s) => s.id), ...members.map((s) => s.id)]);
    for (const id of orgIds.filter((i) => !found.has(i)))
      out.push({ topic: topics.organization, message: { key: `organization-${id}`, value: null } });
    for (const id of memberIds.filter((i) => !found.has(i)))
      out.push({ topic: topics.member, message: { key: `member-${id}`, value: null } });
    return out;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await p.connect();
    this.producer = p;
    return p;
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        const sent = await this.publishOnce();
        backoff = 200;
        if (sent) continue;
        await this.pause(this.options.idleMs ?? 250);
      } catch (e) {
        this.options.onError?.(e);
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
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

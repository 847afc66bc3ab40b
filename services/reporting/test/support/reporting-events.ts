import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { AnyEventContract, EventEnvelope } from '@vanguard/contracts';
import { DeedDone, MemberState, OrganizationState, PledgeMade } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { reportingMigrations } from '../../src/infrastructure/migrations';

/** Runs the reporting migrations in a test schema (the pool's search_path). */
export async function migrateReporting(pool: Pool): Promise<void> {
  const q = { query: (sql: string, params?: unknown[]) => pool.query(sql, params) };
  for (const M of reportingMigrations) await new M().up(q as never);
}

/** A real envelope for `contract`, its data checked against the contract before it leaves. */
export function envelope<C extends AnyEventContract>(
  contract: C,
  streamId: string,
  data: unknown,
  o: { orgId: string; streamVersion?: number; occurredAt?: string; eventId?: string },
): EventEnvelope {
  const at = o.occurredAt ?? new Date().toISOString();
  return {
    eventId: o.eventId ?? randomUUID(),
    type: contract.type,
    version: contract.version,
    streamId,
    streamVersion: o.streamVersion ?? 1,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: 'test', roles: ['organizer'], orgId: o.orgId, kind: 'user' },
    orgId: o.orgId,
    correlationId: randomUUID(),
    causationId: null,
    data: contract.schema.parse(data),
  };
}

export interface TestOrg {
  readonly id: string;
  readonly parentId: string | null;
  readonly path: readonly string[];
  readonly code: string;
  readonly name: string;
  readonly level: 'province' | 'city' | 'county' | 'township' | 'village';
}

export const orgState = (o: TestOrg, version = 1, overrides: Partial<{ name: string; contactPoints: number }> = {}) =>
  envelope(
    OrganizationState,
    `organization-${o.id}`,
    {
      orgId: o.id,
      parentId: o.parentId,
      path: o.path,
      code: o.code,
      name: overrides.name ?? o.name,
      level: o.level,
      kind: o.level === 'village' ? 'branch' : 'committee',
      sector: o.level === 'village' ? 'rural' : 'government_organ',
      status: 'active',
      mergedIntoId: null,
      contactPoints: Array.from({ length: overrides.contactPoints ?? 0 }, () => ({ contactPointId: randomUUID(), leaderId: randomUUID() })),
    },
    { orgId: o.id, streamVersion: version },
  );

/** Keyed `member-<memberId>` as organization's publisher keys it, so a tombstone of that key deletes it. */
export const memberState = (orgId: string, memberId: string = randomUUID()) =>
  envelope(MemberState, `member-${memberId}`, { memberId, orgId, status: 'full', membership: 'active', roles: [], posts: [] }, { orgId });

export const pledgeMade = (orgId: string, occurredAt?: string) => {
  const pledgeId = randomUUID();
  return envelope(
    PledgeMade,
    `pledge-${pledgeId}`,
    {
      pledgeId,
      campaignId: randomUUID(),
      cycleId: randomUUID(),
      pledger: { kind: 'organization', id: orgId },
      orgId,
      category: 'deed_for_masses',
      content: '硬化村内道路两公里',
      dueOn: '2026-12-31',
      followsPledgeId: null,
    },
    { orgId, occurredAt },
  );
};

export const deedDone = (orgId: string, householdsHelped: number) => {
  const deedId = randomUUID();
  return envelope(
    DeedDone,
    `deed-${deedId}`,
    { deedId, orgId, category: 'road_hardening', title: '修缮村道', doneOn: '2026-05-10', householdsHelped },
    { orgId },
  );
};

/** Publishes envelopes as the relays do: key = streamId, value = the JSON envelope, on `<prefix>.<contract topic>`. */
export class TestPublisher {
  private readonly kafka = new Kafka({ clientId: 'reporting-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  private producer: Producer | undefined;

  constructor(private readonly prefix: string) {}

  async publish(topic: string, ...events: EventEnvelope[]): Promise<void> {
    this.producer ??= this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.producer.send({
      topic: `${this.prefix}.${topic}`,
      messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })),
    });
  }

  /** A null-valued record, as organization's publisher sends for a row truly deleted. */
  async tombstone(topic: string, ...keys: string[]): Promise<void> {
    this.producer ??= this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.producer.send({ topic: `${this.prefix}.${topic}`, messages: keys.map((key) => ({ key, value: null })) });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

export const TOPICS = {
  orgState: OrganizationState.topic,
  memberState: MemberState.topic,
  evaluation: PledgeMade.topic,
  assistance: DeedDone.topic,
};

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { signWithDevelopmentKey } from '@vanguard/auth';
import type { AnyEventContract, EventEnvelope } from '@vanguard/contracts';
import {
  ArticlePublished,
  DeedCorrected,
  DeedDone,
  ExemplarPublished,
  InspectionFindingsRecorded,
  InspectionLaunched,
  MemberState,
  MemberStateRemoved,
  MonthlyReviewConcluded,
  OrganizationState,
  OrganizationStateRemoved,
  PledgeMade,
  STATE_REMOVAL_HEADER,
  TraineesEnrolled,
  TrainingClassOpened,
  WindowServicesCounted,
} from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { envelopeHeaders } from '@vanguard/messaging';
import { testProducer } from '@vanguard/testing';
import { reportingMigrations } from '../../src/infrastructure/migrations';

/** Runs the reporting migrations in a test schema (the pool's search_path), each in its transaction as `npm run migrate` runs them. */
export async function migrateReporting(pool: Pool): Promise<void> {
  for (const M of reportingMigrations) await inMigrationTransaction(pool, (q) => new M().up(q));
}

/** One migration step (an up or a down) in a transaction of its own, as the migrate script runs it. */
export async function inMigrationTransaction(pool: Pool, step: (q: QueryRunner) => Promise<void>): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await step({
      query: async (sql: string, params?: unknown[]) => (await c.query<Record<string, unknown>>(sql, params)).rows,
    } as unknown as QueryRunner);
    await c.query('commit');
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
}

/** `pool` as the QueryRunner a migration's up/down takes (they talk through `query` only: the checksum's rule). */
export const queryRunnerOf = (pool: Pool): QueryRunner =>
  ({
    query: async (sql: string, values?: unknown[]) => (await pool.query<Record<string, unknown>>(sql, values)).rows,
  }) as unknown as QueryRunner;

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

/**
 * The removal organization's publisher signs for a row truly deleted (ADR 0130), unsigned: `key` is
 * `organization-<id>` or `member-<id>`; sign it with signWithDevelopmentKey as the publisher signs it.
 */
export const stateRemoval = (key: string, version: number): EventEnvelope => {
  const [kind, id] = [key.slice(0, key.indexOf('-')), key.slice(key.indexOf('-') + 1)];
  return kind === 'organization'
    ? envelope(OrganizationStateRemoved, key, { orgId: id }, { orgId: 'platform', streamVersion: version })
    : envelope(MemberStateRemoved, key, { memberId: id }, { orgId: 'platform', streamVersion: version });
};

/** A tombstone's headers carrying `removal` as the publisher sends it. */
export const removalHeaders = (removal: EventEnvelope): Record<string, string> => ({
  ...envelopeHeaders(removal),
  [STATE_REMOVAL_HEADER]: JSON.stringify(removal),
});

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

/** The county's replacement of `deed`, sent for another village (`orgId`) with `householdsHelped`. */
export const deedMoved = (deed: EventEnvelope, orgId: string, householdsHelped: number) => {
  const before = deed.data as { deedId: string; orgId: string; category: string; title: string; doneOn: string; householdsHelped: number };
  const { deedId: _deedId, ...previous } = before;
  return envelope(
    DeedCorrected,
    deed.streamId,
    { ...before, orgId, householdsHelped, previous },
    { orgId, streamVersion: 2, occurredAt: '2026-06-01T02:00:00.000Z' },
  );
};

/** The county's replacement of `deed` in the same village, saying it was done on `doneOn` (ADR 0106). */
export const deedRedated = (deed: EventEnvelope, doneOn: string) => {
  const before = deed.data as { deedId: string; orgId: string; doneOn: string; householdsHelped: number };
  const { deedId: _deedId, ...previous } = before;
  return envelope(
    DeedCorrected,
    deed.streamId,
    { ...before, doneOn, previous },
    { orgId: before.orgId, streamVersion: 2, occurredAt: '2026-06-01T02:00:00.000Z' },
  );
};

const decision = (orgId: string) => ({
  decidedBy: { sub: 'test', role: 'organizer', orgId },
  inputs: [],
  rule: { id: 'test.rule', version: 1 },
  reason: '',
});

/** Evaluation's field-work events (issue 13), one of each kind reporting counts. */
export const fieldWork = {
  windowServicesCounted: (orgId: string) =>
    envelope(
      WindowServicesCounted,
      `window-unit-${orgId}`,
      {
        orgId,
        batchId: randomUUID(),
        source: 'import',
        counts: [
          { month: '2026-04', kind: 'service_given', count: 30 },
          { month: '2026-05', kind: 'service_given', count: 12 },
          { month: '2026-05', kind: 'home_service', count: 3 },
        ],
        records: 45,
        countedOn: '2026-05-31',
        decision: decision(orgId),
      },
      { orgId, occurredAt: '2026-05-31T02:00:00.000Z' },
    ),
  inspectionLaunched: (orgId: string, units: string[]) => {
    const inspectionId = randomUUID();
    return envelope(
      InspectionLaunched,
      `inspection-${inspectionId}`,
      {
        inspectionId,
        kind: 'special',
        topic: '承诺践诺专项检查',
        launchedOn: '2026-05-12',
        group: { name: '第一指导检查组', leader: 'leader', members: ['leader'], scopeOrgId: orgId },
        units,
        draw: null,
        decision: decision(orgId),
      },
      { orgId, occurredAt: '2026-05-12T02:00:00.000Z' },
    );
  },
  inspectionFindingsRecorded: (orgId: string) => {
    const commentId = randomUUID();
    const finding = () => ({ findingId: randomUUID(), problem: '台账不全', rectification: '补齐台账', deadline: '2026-06-30' });
    return envelope(
      InspectionFindingsRecorded,
      `comment-${commentId}`,
      {
        commentId,
        inspectionId: randomUUID(),
        orgId,
        recordedOn: '2026-05-13',
        summary: '检查发现的问题',
        findings: [finding(), finding()],
        decision: decision(orgId),
      },
      { orgId, occurredAt: '2026-05-13T02:00:00.000Z' },
    );
  },
  monthlyReviewConcluded: (orgId: string, units: string[]) => {
    const roundId = randomUUID();
    return envelope(
      MonthlyReviewConcluded,
      `monthly-review-${roundId}`,
      {
        roundId,
        zoneId: randomUUID(),
        month: '2026-05',
        concludedOn: '2026-05-30',
        results: units.map((u, i) => ({ orgId: u, scorePermille: 900 - i, rank: i + 1, scorers: 1 })),
        unscored: [],
        decision: decision(orgId),
      },
      { orgId, occurredAt: '2026-05-30T02:00:00.000Z' },
    );
  },
  trainingClassOpened: (orgId: string, classId: string) =>
    envelope(
      TrainingClassOpened,
      `training-class-${classId}`,
      {
        classId,
        orgId,
        topic: '村支部书记培训班',
        base: '县委党校',
        targetGroup: 'branch_secretaries',
        startsOn: '2026-05-18',
        endsOn: '2026-05-20',
        sessions: 6,
        decision: decision(orgId),
      },
      { orgId, occurredAt: '2026-05-15T02:00:00.000Z' },
    ),
  traineesEnrolled: (orgId: string, classId: string, trainees: number) =>
    envelope(
      TraineesEnrolled,
      `training-class-${classId}`,
      { classId, trainees: Array.from({ length: trainees }, () => ({ memberId: randomUUID(), orgId })), decision: decision(orgId) },
      { orgId, streamVersion: 2, occurredAt: '2026-05-16T02:00:00.000Z' },
    ),
};

/** Publicity's public events (issue 15): an article publication at a media level, an exemplar on the honour roll. */
export const publicity = {
  articlePublished: (orgId: string, level: 'central' | 'provincial' | 'municipal' | 'county') => {
    const articleId = randomUUID();
    return envelope(
      ArticlePublished,
      `article-${articleId}`,
      { articleId, orgId, outlet: '测试日报', level, channel: 'press', publishedOn: '2026-06-01' },
      { orgId, occurredAt: '2026-06-01T02:00:00.000Z' },
    );
  },
  exemplarPublished: (orgId: string, subjectKind: 'member' | 'organization') => {
    const exemplarId = randomUUID();
    return envelope(
      ExemplarPublished,
      `exemplar-${exemplarId}`,
      {
        exemplarId,
        subjectKind,
        subjectId: subjectKind === 'organization' ? orgId : randomUUID(),
        orgId,
        name: '测试先进典型',
        category: '先锋模范',
        publishedOn: '2026-06-02',
      },
      { orgId, streamVersion: 2, occurredAt: '2026-06-02T02:00:00.000Z' },
    );
  },
};

/**
 * Idempotent, as the relays' producers are: a send retried after a lost acknowledgement (a loaded
 * broker) is not written twice, so suites may count a topic's records (a clean-clone run saw 5 of 3).
 */
const PRODUCER = { allowAutoTopicCreation: false } as const;

/** Publishes envelopes as the relays do: key = streamId, value = the JSON envelope, on `<prefix>.<contract topic>`. */
export class TestPublisher {
  private readonly kafka = new Kafka({ clientId: 'reporting-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  private producer: Producer | undefined;

  constructor(private readonly prefix: string) {}

  /** Signed with the development key of each event's context, as its producer signs it (ADR 0059). */
  async publish(topic: string, ...events: EventEnvelope[]): Promise<void> {
    await this.publishAsIs(topic, ...events.map((e) => signWithDevelopmentKey(e)));
  }

  /** Exactly the envelopes given: a forger's, unsigned or signed with a key of its own. */
  async publishAsIs(topic: string, ...events: EventEnvelope[]): Promise<void> {
    this.producer ??= testProducer(this.kafka, PRODUCER);
    await this.producer.connect();
    await this.producer.send({
      topic: `${this.prefix}.${topic}`,
      messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })),
    });
  }

  /** A bare null-valued record: anybody's to send, with no removal in it. */
  async tombstone(topic: string, ...keys: string[]): Promise<void> {
    this.producer ??= testProducer(this.kafka, PRODUCER);
    await this.producer.connect();
    await this.producer.send({ topic: `${this.prefix}.${topic}`, messages: keys.map((key) => ({ key, value: null })) });
  }

  /** A tombstone keyed `key` carrying `removal` as given (a forger's, or one signed as organization's publisher signs it). */
  async tombstoneWith(topic: string, key: string, removal: EventEnvelope): Promise<void> {
    this.producer ??= testProducer(this.kafka, PRODUCER);
    await this.producer.connect();
    await this.producer.send({ topic: `${this.prefix}.${topic}`, messages: [{ key, value: null, headers: removalHeaders(removal) }] });
  }

  /** What organization's publisher sends for a row truly deleted: a tombstone with its removal signed (ADR 0130). */
  async removal(topic: string, key: string, version: number): Promise<void> {
    await this.tombstoneWith(topic, key, signWithDevelopmentKey(stateRemoval(key, version)));
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
  publicity: ArticlePublished.topic,
};

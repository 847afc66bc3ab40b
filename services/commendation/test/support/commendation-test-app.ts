import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Client, type Pool, type PoolClient } from 'pg';
import { configureHttpApp } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { PgInbox } from '@vanguard/messaging';
import { PostgresEventStore, type DeciderStreams } from '@vanguard/event-store';
import { CLOCK, type ClockPort } from '../../src/application/ports/clock.port';
import { STREAMS, type StreamsPort } from '../../src/application/ports/streams.port';
import { commendationConfig, type CommendationConfig } from '../../src/commendation.config';
import { eligibilityFactHandlers } from '../../src/infrastructure/eligibility/eligibility-facts.projection';
import { CommendationModule } from '../../src/commendation.module';
import { PostgresStreamsAdapter } from '../../src/infrastructure/event-store/postgres-streams.adapter';
import { bootstrapDemoTree } from '@vanguard/auth';

/** Bootstraps the test database's `commendation` org-tree copy with the demo region (the global setup migrated it). Suites take turns. */
export async function prepareCommendationTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext('vanguard.commendation.test-setup'))`);
    await admin.query(`set search_path to commendation`);
    await bootstrapDemoTree(admin);
  } finally {
    await admin.end();
  }
}

/** A clock the test moves: the day in China, and an instant at noon of it. */
export class MovableClock implements ClockPort {
  constructor(public day: string) {}
  now(): Date {
    return new Date(`${this.day}T04:00:00Z`);
  }
  today(): string {
    return this.day;
  }
}

/**
 * The real service, in-process, against the test database; no consumer or relay unless asked.
 * `streams` wraps the real event-store port the handlers are given (a double that yields between
 * a handler's reads and its append, to widen a race), never replaces the store behind it.
 */
export async function createCommendationTestApp(
  clock: ClockPort,
  overrides: Partial<CommendationConfig> = {},
  // The lock's transaction's streams too (PgObjectionFilings appends a run's events through them, ADR 0113).
  streams?: (real: DeciderStreams) => StreamsPort & Pick<DeciderStreams, 'inTransaction'>,
): Promise<INestApplication> {
  await prepareCommendationTestDatabase();
  const base = commendationConfig(infraConfig(), 'test');
  const config: CommendationConfig = {
    ...base,
    orgTreeConsumer: false,
    relay: { enabled: false },
    eligibility: { ...base.eligibility!, enabled: false },
    ...overrides,
  };
  let builder = Test.createTestingModule({ imports: [CommendationModule.register(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock);
  if (streams)
    builder = builder
      .overrideProvider(STREAMS)
      .useFactory({ inject: [PostgresEventStore], factory: (store: PostgresEventStore) => streams(new PostgresStreamsAdapter(store)) });
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/**
 * Gives a member of 红石村 (百花镇) an approved 2010 review grade the way the Kafka consumer does
 * (its handlers, its inbox), without the broker: what the review-grade eligibility policy reads.
 */
export async function approvedGrade(pool: Pool, memberId: string, grade: string): Promise<void> {
  const [township, village] = [demoOrgId('910425101'), demoOrgId('910425101201')];
  const at = new Date().toISOString();
  const event = {
    eventId: randomUUID(),
    type: 'evaluation.ReviewApproved',
    version: 1,
    streamId: `review-${memberId}-2010`,
    streamVersion: 5,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: 'city.reviewer', roles: ['reviewer'], orgId: township },
    orgId: village,
    correlationId: randomUUID(),
    causationId: null,
    data: {
      memberId,
      year: 2010,
      grade,
      decision: { decidedBy: { sub: 'x', role: 'reviewer', orgId: township }, inputs: [], rule: { id: 'a.b', version: 1 }, reason: '' },
    },
  };
  await new PgInbox(pool).processOnce('commendation.e2e-facts', event, { topic: 'e2e', partition: 0, offset: '0' }, (tx: PoolClient) =>
    eligibilityFactHandlers['evaluation.ReviewApproved']!(event, { tx, origin: { topic: 'e2e', partition: 0, offset: '0' }, attempt: 1 }),
  );
}

/**
 * The body of the county's July-first programme as the suites launch it (POST /programmes):
 * outstanding members judged on their 2010 review grade, nominations 15 April – 10 May, the
 * township's review by 20 May and the county's by 31 May, a five-working-day notice, decided by 28 June 2011.
 */
/** The 2011 July-first programme's timeline (nominations in April–May, decision on 28 June), with the given notice. */
export function julyFirstTimeline(notice: { days: number; dayKind: 'working' | 'calendar' }) {
  return {
    nominationOpensOn: '2011-04-15',
    nominationClosesOn: '2011-05-10',
    reviewDeadlines: [
      { level: 'township' as const, dueOn: '2011-05-20' },
      { level: 'county' as const, dueOn: '2011-05-31' },
    ],
    notice,
    decisionOn: '2011-06-28',
  };
}

export function julyFirstProgramme(name: string): Record<string, unknown> {
  return {
    name,
    orgId: demoOrgId('910425'),
    level: 'county',
    categories: ['outstanding_member'],
    years: [2010],
    timeline: julyFirstTimeline({ days: 5, dayKind: 'working' }),
    eligibilityPolicies: [{ id: 'commendation.eligibility.review-grade', version: 2 }],
  };
}

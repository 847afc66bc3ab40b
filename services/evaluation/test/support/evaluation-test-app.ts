import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { CLOCK, type ClockPort } from '../../src/application/ports/clock.port';
import { evaluationConfig, type EvaluationConfig } from '../../src/evaluation.config';
import { EvaluationModule } from '../../src/evaluation.module';
import { bootstrapDemoTree } from '@vanguard/auth';

/**
 * Bootstraps the test database's `evaluation` org-tree copy (the global setup migrated it) with
 * the demo region the realm's users point into. Suites take turns.
 */
export async function prepareEvaluationTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext('vanguard.evaluation.test-setup'))`);
    await admin.query(`set search_path to evaluation`);
    await bootstrapDemoTree(admin);
  } finally {
    await admin.end();
  }
}

/** A clock stopped on one day (China time), so the 2011 campaign's cycles are current. */
export const clockOn = (day: string): ClockPort => ({ now: () => new Date(`${day}T04:00:00Z`), today: () => day });

/** The real service, in-process, against the test database; the copy is not fed from Kafka here. */
export async function createEvaluationTestApp(clock: ClockPort, overrides: Partial<EvaluationConfig> = {}): Promise<INestApplication> {
  await prepareEvaluationTestDatabase();
  const config = { ...evaluationConfig(infraConfig(), 'test'), orgTreeConsumer: false, ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [EvaluationModule.register(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/**
 * The service over a suite's own schema with the county inbound gate on, reading `inbound` for the
 * demo's two counties and county member links from `linksTopic`; relay off, fresh consumer groups.
 */
export function countyInboundOverrides(
  db: { url: string; schema: string },
  inbound: string,
  linksTopic: string,
): Partial<EvaluationConfig> {
  return {
    databaseUrl: db.url,
    schema: db.schema,
    relay: { enabled: false },
    county: {
      enabled: true,
      knownCounties: ['county-songling', 'county-hekou'],
      topic: inbound,
      groupId: `eval-county-inbound-${randomUUID()}`,
      linksGroupId: `eval-county-links-${randomUUID()}`,
      linksTopic,
      // Short, so the refusals of unknown ids come soon; still far longer than a link takes to arrive here.
      linkGraceMs: 2_000,
    },
  };
}

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { CLOCK, type ClockPort } from '../../src/application/ports/clock.port';
import { commendationConfig, type CommendationConfig } from '../../src/commendation.config';
import { CommendationModule } from '../../src/commendation.module';
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

/** The real service, in-process, against the test database; no consumer or relay unless asked. */
export async function createCommendationTestApp(clock: ClockPort, overrides: Partial<CommendationConfig> = {}): Promise<INestApplication> {
  await prepareCommendationTestDatabase();
  const base = commendationConfig(infraConfig(), 'test');
  const config: CommendationConfig = {
    ...base,
    orgTreeConsumer: false,
    relay: { enabled: false },
    eligibility: { ...base.eligibility!, enabled: false },
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({ imports: [CommendationModule.register(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { DEMO_REGION, ensureOrganizations } from '../../src/infrastructure/seed/demo-region';
import { organizationConfig, type OrganizationConfig } from '../../src/organization.config';
import { OrganizationModule } from '../../src/organization.module';
import type { WithRosterLimits } from '../../src/roster-limits.config';

/**
 * Makes sure the demo region the realm's users point into exists (the global setup migrated the
 * test database once for the run). Suites run in parallel, so they take turns.
 */
export async function prepareOrganizationTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext('vanguard.organization.test-setup'))`);
    await admin.query(`set search_path to organization`);
    await ensureOrganizations(admin, DEMO_REGION);
  } finally {
    await admin.end();
  }
}

/** The real service, in-process, against the test database; the relay and the county inbound gate are off unless asked for. */
export async function createOrganizationTestApp(overrides: Partial<OrganizationConfig> & WithRosterLimits = {}): Promise<INestApplication> {
  await prepareOrganizationTestDatabase();
  const base = organizationConfig(infraConfig(), 'test');
  const config = { ...base, relay: false, county: { ...base.county!, enabled: false }, ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [OrganizationModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/**
 * A random code below `parentCode`, so suites sharing the schema never collide. Nine digits: the
 * test database keeps every run's organisations, and with six a CI run drew a code already taken
 * under the demo village's township (a 409 in a test about something else). Three nested levels
 * below a nine-digit code still fit the 30-digit limit.
 */
export function childCode(parentCode: string, digits = 9): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += Math.floor(Math.random() * 10);
  return parentCode + s;
}

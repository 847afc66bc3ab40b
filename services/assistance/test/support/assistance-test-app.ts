import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client, Pool } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { configureHttpApp } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { assistanceConfig, type AssistanceConfig } from '../../src/assistance.config';
import { AssistanceModule } from '../../src/assistance.module';
import { assistanceMigrations } from '../../src/infrastructure/migrations';
import { upsertOrganizations } from '../../src/infrastructure/roster/roster.projection';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The demo region the realm's users point into, as the organization state topics would carry it. */
const DEMO_TREE = [
  { code: '91', name: '示范省', level: 'province', parent: null },
  { code: '9104', name: '青山市', level: 'city', parent: '91' },
  { code: '910425', name: '松岭旗', level: 'county', parent: '9104' },
  { code: '910426', name: '河口县', level: 'county', parent: '9104' },
  { code: '910425101', name: '白桦镇', level: 'township', parent: '910425' },
  { code: '910425102', name: '河口镇', level: 'township', parent: '910425' },
] as const;

export const pathOfCode = (code: string): string[] => DEMO_TREE.filter((o) => code.startsWith(o.code)).map((o) => demoOrgId(o.code));

/** Puts the demo region into the roster copy at version 0 (real state records replace it). */
export async function bootstrapDemoRoster(db: Queryable): Promise<void> {
  await upsertOrganizations(
    db,
    DEMO_TREE.map((o) => ({
      id: demoOrgId(o.code),
      parent_id: o.parent ? demoOrgId(o.parent) : null,
      path: pathOfCode(o.code),
      code: o.code,
      name: o.name,
      level: o.level,
      sector: 'government_organ',
      status: 'active',
      version: 0,
    })),
  );
}

/** A new village of the suite's own below `parentCode` (a demo township or county), in the roster copy. */
export async function freshVillage(db: Queryable, parentCode: string, options: { sector?: string; name?: string } = {}): Promise<string> {
  const id = randomUUID();
  await upsertOrganizations(db, [
    {
      id,
      parent_id: demoOrgId(parentCode),
      path: [...pathOfCode(parentCode), id],
      code: `${parentCode}${Math.floor(Math.random() * 1e6)}`,
      name: options.name ?? '测试村',
      level: 'village',
      sector: options.sector ?? 'rural',
      status: 'active',
      version: 0,
    },
  ]);
  return id;
}

/** A new member, active according to the roster copy. */
export async function rosterMember(db: Queryable, orgId: string): Promise<string> {
  const id = randomUUID();
  await db.query(`insert into roster_members (id, org_id, membership, roles, version) values ($1, $2, 'active', '{}', 0)`, [id, orgId]);
  return id;
}

/** Bootstraps the test database's `assistance` roster copy (the global setup migrated it). Suites take turns. */
export async function prepareAssistanceTestDatabase(): Promise<void> {
  const admin = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext('vanguard.assistance.test-setup'))`);
    await admin.query(`set search_path to assistance`);
    await bootstrapDemoRoster(admin);
  } finally {
    await admin.end();
  }
}

/** The real service, in-process, against the test database; relay and roster consumer off unless asked for. */
export async function createAssistanceTestApp(overrides: Partial<AssistanceConfig> = {}): Promise<INestApplication> {
  await prepareAssistanceTestDatabase();
  const config = { ...assistanceConfig(infraConfig(), 'test'), relay: false, roster: false, ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [AssistanceModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/**
 * A schema of the suite's own, migrated as `npm run migrate` does, holding the demo region, and the
 * service in-process over it (not initialised over HTTP: the suite drives its handlers); roster
 * consumer off, relay as asked.
 */
export async function assistanceInOwnSchema(
  prefix: string,
  options: { relay: boolean; relayTopic?: string },
): Promise<{ schema: TestSchema; app: INestApplication }> {
  const schema = await createTestSchema(prefix);
  const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await bootstrapDemoRoster(schema.pool);
  const config = {
    ...assistanceConfig(infraConfig(), 'test'),
    databaseUrl: schema.url,
    schema: schema.schema,
    relay: options.relay,
    relayTopic: options.relayTopic,
    roster: false,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AssistanceModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  await app.init();
  return { schema, app };
}

/** A day `n` days from today in China time. */
export const dayFromToday = (n: number): string => {
  const d = new Date(Date.now() + 8 * 3_600_000);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** The test database's `assistance` schema as the admin sees it: for fixtures and for reading what the service wrote. */
export function assistanceDb(): Pool {
  const url = new URL(infraConfig().testDatabaseUrl);
  url.searchParams.set('options', '-c search_path=assistance');
  return new Pool({ connectionString: url.toString(), max: 3 });
}

/** A project planned in a new village below 白桦镇 and approved, over HTTP as `token`'s user: its id, ready for money. */
export async function approvedProject(app: INestApplication, db: Queryable, token: string, name: string): Promise<string> {
  const as = { Authorization: `Bearer ${token}` };
  const http = () => request(app.getHttpServer() as Parameters<typeof request>[0]);
  const villageId = await freshVillage(db, '910425101');
  const planned = await http()
    .post('/projects')
    .set(as)
    .send({ villageId, name, category: 'road_hardening', budgetFen: 1_000_000, beneficiaryHouseholds: 1, plannedOn: dayFromToday(-3) });
  const id = (planned.body as { id: string }).id;
  const approved = await http()
    .post(`/projects/${id}/approve`)
    .set(as)
    .send({ on: dayFromToday(-2) });
  if (planned.status !== 201 || approved.status !== 200)
    throw new Error(`project not planned and approved: ${planned.status} ${approved.status} ${JSON.stringify(approved.body)}`);
  return id;
}

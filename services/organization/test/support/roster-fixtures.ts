import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { demoOrgId } from '@vanguard/infra-config';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { AesGcmPersonalDataCipher } from '../../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { isolatedOrganizationSchema } from './isolated-schema';
import { childCode } from './organization-test-app';

const BAIHUA_ID = demoOrgId('910425101');

/**
 * Member imports are budgeted per user and hour (ADR 0011); suites that import for volume
 * or send hostile files on purpose would use it up across reruns, so they widen it for their
 * own in-process app and child processes.
 */
export function widenImportBudget(): void {
  process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'] = '100000';
  process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'] = '100000000';
}

/**
 * `content` as the file `name` in a directory of its own, handed to `run` (an import straight from
 * the file), and the directory removed afterwards whatever came of it: an import removes its file,
 * not the directory, and three suites left one in the temporary directory on every run.
 */
export async function withImportFile<T>(name: string, content: string, run: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'org-import-'));
  try {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return await run(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const MEMBER_HEADER = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'];

export interface ImportJob {
  id: string;
  status: string;
  rowsImported: number;
  errors: { row: number; column: string; reason: string }[];
  message: string | null;
}

/** Polls an import job until it leaves queued/running. */
export async function finishedJob(app: INestApplication, token: string, jobId: string, timeoutMs = 120_000): Promise<ImportJob> {
  return waitUntil<ImportJob>(
    `import ${jobId} to finish`,
    async () => {
      const res = await request(app.getHttpServer() as Server)
        .get(`/imports/${jobId}`)
        .set('Authorization', `Bearer ${token}`);
      const job = res.body as ImportJob;
      return job.status === 'queued' || job.status === 'running' ? undefined : job;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** A new village under `parent` holding `rows` members, imported for real: an export of it spans megabytes. */
export async function villageWithMembers(
  app: INestApplication,
  token: string,
  rows: number,
  parent: { id: string; code: string },
  name = '导出压力支部',
): Promise<{ id: string; code: string }> {
  const http = () => request(app.getHttpServer() as Server);
  const created = await http()
    .post('/organizations')
    .set('Authorization', `Bearer ${token}`)
    .send({
      code: childCode(parent.code),
      name,
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      parentId: parent.id,
      establishedOn: '2005-01-01',
    });
  if (created.status !== 201) throw new Error(`village not created: ${created.status} ${JSON.stringify(created.body)}`);
  const body = created.body as { id: string; code: string };
  const village = { id: body.id, code: body.code };
  // No ID numbers: these suites are about volume, not the ID-number checks (and their hourly budget).
  let csv = csvLine(MEMBER_HEADER);
  for (let i = 0; i < rows; i++)
    csv += csvLine([
      village.code,
      // Long names (100 characters at most): megabytes of export from a few tens of thousands of rows.
      `${'压力测试党员'.repeat(15)}${i}`,
      'full',
      '2001-07-01',
      'party_worker',
      'pioneer_post',
      '',
      `139${String(i).padStart(8, '0')}`,
    ]);
  const res = await http()
    .post('/imports/members')
    .query({ format: 'csv', dryRun: 'false' })
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'text/csv')
    .send(csv);
  if (res.status !== 202) throw new Error(`import not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  const job = await finishedJob(app, token, (res.body as { id: string }).id);
  if (job.status !== 'succeeded') throw new Error(`fixture import ${job.status}: ${JSON.stringify(job.errors.slice(0, 3))}`);
  return village;
}

/** Members of the shared export village: an export of it spans megabytes. */
export const EXPORT_VILLAGE_MEMBERS = 30_000;
const EXPORT_VILLAGE_NAME = '导出压力共享支部';

/**
 * One village of {@link EXPORT_VILLAGE_MEMBERS} imported members under 白桦镇 in the shared test
 * schema, for the suites that need a long export (abandoned, stalled, trickled and shutdown
 * downloads). They only read it, so it is imported once and found again by later suites and later
 * runs instead of each suite importing 20,000–30,000 members of its own (minutes of import per
 * run, and as many notes for the roster state publisher). It is adopted only while it is exactly
 * as made: active, no organisation below it, exactly that many active members; otherwise a new one
 * is imported. Suites take turns making it (an advisory lock), so it is imported at most once.
 */
export async function sharedExportVillage(app: INestApplication, token: string): Promise<{ id: string; code: string }> {
  const client = await poolOf(app).connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('vanguard.organization.test-export-village'))`);
    const { rows } = await client.query<{ id: string; code: string }>(
      `select o.id, o.code from organizations o
        where o.parent_id = $1 and o.name = $2 and o.status = 'active'
          and not exists (select 1 from organizations c where c.parent_id = o.id)
          and (select count(*) from members m where m.org_id = o.id and m.membership = 'active') = $3
          and not exists (select 1 from members m where m.org_id = o.id and m.membership <> 'active')
        order by o.created_at limit 1`,
      [BAIHUA_ID, EXPORT_VILLAGE_NAME, EXPORT_VILLAGE_MEMBERS],
    );
    if (rows[0]) return rows[0];
    return await villageWithMembers(app, token, EXPORT_VILLAGE_MEMBERS, { id: BAIHUA_ID, code: '910425101' }, EXPORT_VILLAGE_NAME);
  } finally {
    await client.query(`select pg_advisory_unlock(hashtext('vanguard.organization.test-export-village'))`).catch(() => undefined);
    client.release();
  }
}

/** Where the in-process app listens (supertest's server is not listening until asked). */
export async function listen(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return ((app.getHttpServer() as Server).address() as AddressInfo).port;
}

export interface OpenDownload {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  /** The first chunk of the body, or the whole body of a refusal. */
  readonly first: Buffer;
  readonly response: IncomingMessage;
  /** Cuts the connection like a browser tab that is closed. */
  abort(): Promise<void>;
}

/** Starts a GET, waits for the first chunk of the body, then stops reading (the socket stays open). */
export function openDownload(port: number, path: string, token: string): Promise<OpenDownload> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const closed = new Promise<void>((r) => res.socket.once('close', () => r()));
      const abort = async () => {
        req.destroy();
        await closed;
      };
      if (res.statusCode !== 200) {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, first: Buffer.concat(parts), response: res, abort }));
        return;
      }
      res.once('data', (chunk: Buffer) => {
        res.pause();
        resolve({ status: 200, headers: res.headers, first: chunk, response: res, abort });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The service's own pool and what Postgres says its sessions are doing. */
export function poolOf(app: INestApplication): Pool {
  return (app.get(DataSource).driver as unknown as { master: Pool }).master;
}

/** Sessions of the service's database user still running (or stuck in) an export query. */
export async function exportQueriesRunning(app: INestApplication): Promise<number> {
  const { rows } = await poolOf(app).query<{ n: string }>(
    `select count(*) as n from pg_stat_activity
      where usename = current_user and datname = current_database() and pid <> pg_backend_pid()
        and state <> 'idle' and (query like '%from members m join organizations o%' or query like '%from organizations o left join organizations p%')`,
  );
  return Number(rows[0]!.n);
}

/** Every client the pool opened is back and idle, and nobody waits for one. */
export const poolIsIdle = (app: INestApplication): boolean => {
  const p = poolOf(app);
  return p.waitingCount === 0 && p.idleCount === p.totalCount;
};

/**
 * Hooks the queries of the connection an import takes for its run (its own `await pool.connect()`;
 * `pool.query` connects with a callback and passes untouched): each goes through `around`, which
 * runs it with `query` when it will. Undone by `jest.restoreAllMocks()`.
 */
export function aroundImportClientQueries(
  pool: Pool,
  around: (query: (...args: unknown[]) => Promise<unknown>, args: unknown[]) => Promise<unknown>,
): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<PoolClient>;
  jest.spyOn(pool, 'connect').mockImplementation((async (...args: unknown[]) => {
    if (args.length) return connect(...args);
    const client = await connect();
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    // Everything else passes through untouched (the pool reuses this client with callbacks).
    client.query = ((...args: unknown[]) => around(query, args)) as unknown as PoolClient['query'];
    return client;
  }) as never);
}

/** An organization schema of its own and a DataSource on it, for a PgRosterImports made in the test; organisation rows need only a throwaway key ring. */
export function importStore(name: string): {
  readonly org: TestSchema;
  readonly ds: DataSource;
  readonly cipher: AesGcmPersonalDataCipher;
} {
  const key = { id: 'd0', key: randomBytes(32) };
  const store = {
    org: undefined as unknown as TestSchema,
    ds: undefined as unknown as DataSource,
    cipher: new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } }),
  };
  beforeAll(async () => {
    store.org = await isolatedOrganizationSchema(name);
    store.ds = new DataSource({ type: 'postgres', url: store.org.url, schema: store.org.schema });
    await store.ds.initialize();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await store.ds?.destroy();
    await store.org?.drop();
  });
  return store;
}

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '@vanguard/http';
import type { Pool, PoolClient } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { infraConfig } from '@vanguard/infra-config';
import { CuttingProxy, cutInUse, tokenFor, waitUntil } from '@vanguard/testing';
import { assistanceConfig } from '../src/assistance.config';
import { UNIT_OF_WORK, type UnitOfWork } from '../src/application/ports/unit-of-work.port';
import { approvedProject, assistanceDb, createAssistanceTestApp, dayFromToday } from './support/assistance-test-app';

/** The test app's pool size (assistance.module.ts). */
const POOL_MAX = 10;

/**
 * A money movement refused 503 because no connection came in time is retried with its key and
 * runs (ADR 0072): nothing it sent may have committed. The app's own pool is taken whole by the
 * suite at a chosen moment (after the key is claimed; between the read and the write), so the
 * command's next connect times out as in a burst; the suite lets go as the key is released.
 */
describe('a money movement answered 503 busy (e2e)', () => {
  let app: INestApplication;
  let db: Pool;
  let token: string;
  let pool: Pool;
  let store: IdempotencyStore;
  let uow: UnitOfWork;
  let projectId: string;
  let proxy: CuttingProxy;
  const held: Promise<PoolClient>[] = [];
  /** Takes every connection of the app's pool: the next connect waits behind these. */
  const takeThePool = () => {
    for (let i = 0; i < POOL_MAX; i++) held.push(pool.connect());
  };
  const letGo = async () => {
    for (const c of held.splice(0)) (await c).release();
  };

  const http = () => request(app.getHttpServer());
  const as = () => ({ Authorization: `Bearer ${token}` });
  const movements = async () =>
    (await db.query(`select count(*)::int n from assistance.fund_movements where project_id = $1`, [projectId])).rows[0].n as number;
  const disburse = (key: string, amountFen: number, purpose = '进度款') =>
    http()
      .post(`/projects/${projectId}/disbursements`)
      .set(as())
      .set('Idempotency-Key', key)
      .send({ source: 'fiscal', amountFen, on: dayFromToday(0), purpose });

  beforeAll(async () => {
    // Every connection of the app through a relay that passes everything until told to cut one.
    const target = new URL(assistanceConfig(infraConfig(), 'test').databaseUrl);
    proxy = await CuttingProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    app = await createAssistanceTestApp({ databaseConnectWaitMs: 300, databaseUrl: viaProxy.toString() });
    db = assistanceDb();
    token = await tokenFor('county.assistance');
    pool = (app.get(DataSource).driver as unknown as { master: Pool }).master;
    store = app.get<IdempotencyStore>(IDEMPOTENCY_STORE);
    uow = app.get<UnitOfWork>(UNIT_OF_WORK);
    // The key's release is where the suite lets go, so the release itself gets a connection.
    const release = store.release.bind(store);
    store.release = async (principal, key) => {
      await letGo();
      return release(principal, key);
    };
    projectId = await approvedProject(app, db, token, '繁忙重试');
    const allocated = await http()
      .post(`/projects/${projectId}/allocations`)
      .set(as())
      .set('Idempotency-Key', randomUUID())
      .send({ source: 'fiscal', amountFen: 100_000, on: dayFromToday(-1) });
    expect(allocated.status).toBe(201);
  });
  afterAll(async () => {
    await letGo();
    await db?.end();
    await app?.close();
    await proxy?.close();
  });

  const busyThenRetried = async (amountFen: number) => {
    const key = randomUUID();
    const before = await movements();
    const busy = await disburse(key, amountFen);
    expect([busy.status, busy.body.code, busy.headers['retry-after']]).toEqual([503, 'SERVICE.BUSY', '1']);
    expect(held).toHaveLength(0);
    expect(await movements()).toBe(before);
    const retried = await disburse(key, amountFen);
    expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([201, undefined]);
    const copy = await disburse(key, amountFen);
    expect([copy.status, copy.headers['idempotent-replayed'], copy.body]).toEqual([201, 'true', retried.body]);
    expect(await movements()).toBe(before + 1);
  };

  it('when no connection came for its first statement, the retry with the same key enters it once', async () => {
    const claim = store.claim.bind(store);
    store.claim = async (...args) => {
      store.claim = claim;
      const claimed = await claim(...args);
      takeThePool();
      return claimed;
    };
    await busyThenRetried(101);
  });

  it('when it read the project and no connection came for its write, the retry with the same key enters it once', async () => {
    const writeIf = uow.writeIf.bind(uow);
    (uow as { writeIf: UnitOfWork['writeIf'] }).writeIf = (...args) => {
      (uow as { writeIf: UnitOfWork['writeIf'] }).writeIf = writeIf;
      takeThePool();
      return writeIf(...args);
    };
    await busyThenRetried(102);
  });

  it('when its write was sent and its connection dropped, the service stays up and the key answers the outcome unknown', async () => {
    const key = randomUUID();
    const before = await movements();
    // The guarded write takes the project's row lock: held here, the write waits, and its backend is ended while it does.
    const holder = await db.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from assistance.projects where id = $1 for update', [projectId]);
      const pending = disburse(key, 103).then((r) => r);
      const [waiting] = await waitUntil('the write to wait on the row lock', async () => {
        const { rows } = await db.query<{ pid: number }>(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%fund_movements%' and pid <> pg_backend_pid()`,
        );
        return rows.length ? rows : undefined;
      });
      await db.query('select pg_terminate_backend($1)', [waiting!.pid]);
      const dropped = await pending;
      expect([dropped.status, dropped.body.code]).toEqual([503, 'SERVICE.BUSY']);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    const retried = await disburse(key, 103);
    expect([retried.status, retried.body.code]).toEqual([409, 'IDEMPOTENCY.OUTCOME_UNKNOWN']);
    expect(await movements()).toBe(before);
    expect((await disburse(randomUUID(), 103)).status).toBe(201);
  });

  it('when its write committed and the answer was lost with the connection, the service stays up and the key never runs it again', async () => {
    const key = randomUUID();
    const before = await movements();
    // A value only this request's write carries, so the relay cuts that connection right after Postgres answers it.
    const purpose = `断线-${randomUUID()}`;
    proxy.cutAfterAnswerTo(purpose);
    const lost = await disburse(key, 105, purpose);
    expect([lost.status, lost.body.code, proxy.cuts]).toEqual([503, 'SERVICE.BUSY', 1]);
    expect(await movements()).toBe(before + 1);
    const retried = await disburse(key, 105, purpose);
    expect([retried.status, retried.body.code]).toEqual([409, 'IDEMPOTENCY.OUTCOME_UNKNOWN']);
    expect(await movements()).toBe(before + 1);
    expect((await disburse(randomUUID(), 105)).status).toBe(201);
  });

  it('outlives any connection of its pool cut mid-query, not only the money write’s (the pool hears each one’s errors)', async () => {
    expect(await cutInUse(proxy, pool)).toBe('Connection terminated unexpectedly');
    expect((await http().get('/health/ready')).status).toBe(200);
  });

  // Only watched statements may commit on a money route (key-required.ts): every statement its
  // commands send outside them, through the unit of work's autocommit, is one Postgres runs read-only.
  it('sends nothing but reads outside its watched statements, as Postgres itself judges them', async () => {
    const sent: { sql: string; params?: unknown[] }[] = [];
    const query = uow.autocommit.query.bind(uow.autocommit);
    uow.autocommit.query = (sql, params) => {
      sent.push({ sql, params });
      return query(sql, params);
    };
    try {
      const allocated = await http()
        .post(`/projects/${projectId}/allocations`)
        .set(as())
        .set('Idempotency-Key', randomUUID())
        .send({ source: 'social', amountFen: 500, on: dayFromToday(-1) });
      const paid = await disburse(randomUUID(), 104);
      const overdrawn = await disburse(randomUUID(), 10_000_000);
      const reversed = await http()
        .post(`/projects/${projectId}/movements/${(paid.body as { movementId: string }).movementId}/reversal`)
        .set(as())
        .send({ on: dayFromToday(0), reason: '录入错误' });
      expect([allocated.status, paid.status, overdrawn.status, reversed.status]).toEqual([201, 201, 422, 201]);
    } finally {
      uow.autocommit.query = query;
    }
    expect(sent.length).toBeGreaterThanOrEqual(4);
    const readOnly = async (sql: string, params?: unknown[]) => {
      const c = await db.connect();
      try {
        await c.query('begin transaction read only');
        await c.query('set local search_path = assistance');
        return await c.query(sql, params).then(
          () => 'read',
          (e: { code?: string }) => e.code,
        );
      } finally {
        await c.query('rollback');
        c.release();
      }
    };
    for (const { sql, params } of sent) expect({ sql, judged: await readOnly(sql, params) }).toEqual({ sql, judged: 'read' });
    // And the judge tells a write: the movement's guarded write is refused read-only.
    expect(await readOnly(`update projects set name = name where id = $1`, [projectId])).toBe('25006');
  });
});

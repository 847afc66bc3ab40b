import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '@vanguard/http';
import type { Pool, PoolClient } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { tokenFor } from '@vanguard/testing';
import { UNIT_OF_WORK, type UnitOfWork } from '../src/application/ports/unit-of-work.port';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

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
  const disburse = (key: string, amountFen: number) =>
    http()
      .post(`/projects/${projectId}/disbursements`)
      .set(as())
      .set('Idempotency-Key', key)
      .send({ source: 'fiscal', amountFen, on: dayFromToday(0), purpose: '进度款' });

  beforeAll(async () => {
    app = await createAssistanceTestApp({ databaseConnectWaitMs: 300 });
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
    const villageId = await freshVillage(db, '910425101');
    const planned = await http()
      .post('/projects')
      .set(as())
      .send({
        villageId,
        name: '繁忙重试',
        category: 'road_hardening',
        budgetFen: 1_000_000,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-3),
      });
    projectId = planned.body.id;
    expect(
      (
        await http()
          .post(`/projects/${projectId}/approve`)
          .set(as())
          .send({ on: dayFromToday(-2) })
      ).status,
    ).toBe(200);
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
});

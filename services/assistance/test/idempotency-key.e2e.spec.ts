import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

// The assistance service keeps Idempotency-Key answers as evaluation does (libs/http, ADR 0072;
// the behaviour under fifty copies: services/evaluation/test/idempotency-key.e2e.spec.ts).
describe('Idempotency-Key on the assistance service (e2e)', () => {
  let app: INestApplication;
  let db: Pool;
  let token: string;

  beforeAll(async () => {
    app = await createAssistanceTestApp();
    db = assistanceDb();
    token = await tokenFor('county.assistance');
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('a project planned again with its key is answered as the first time and planned once; without a key, twice', async () => {
    const villageId = await freshVillage(db, '910425101');
    const body = {
      villageId,
      name: '村内主干道硬化',
      category: 'road_hardening',
      budgetFen: 1_000_000,
      beneficiaryHouseholds: 86,
      plannedOn: dayFromToday(-30),
    };
    const key = randomUUID();
    const plan = (k?: string) => {
      const r = request(app.getHttpServer()).post('/projects').set('Authorization', `Bearer ${token}`);
      return (k ? r.set('Idempotency-Key', k) : r).send(body);
    };
    const projects = async () =>
      (await db.query(`select count(*)::int n from assistance.projects where org_id = $1`, [villageId])).rows[0].n as number;
    const first = await plan(key);
    const again = await plan(key);
    expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(again.body).toEqual(first.body);
    expect(await projects()).toBe(1);
    expect((await plan()).status).toBe(201);
    expect(await projects()).toBe(2);
  });
});

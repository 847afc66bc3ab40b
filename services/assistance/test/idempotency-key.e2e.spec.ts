import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { seededRandom, tokenFor } from '@vanguard/testing';
import { approvedProject, assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

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

  describe('a money movement', () => {
    const SEED = Number(process.env['ASSISTANCE_IDEMPOTENCY_SEED'] ?? Date.now() % 1_000_000);
    const rnd = seededRandom(SEED);
    const as = () => ({ Authorization: `Bearer ${token}` });
    const http = () => request(app.getHttpServer());
    const movements = async (projectId: string) =>
      (await db.query(`select count(*)::int n from assistance.fund_movements where project_id = $1`, [projectId])).rows[0].n as number;
    let projectId: string;

    beforeAll(async () => {
      projectId = await approvedProject(app, db, token, '幂等拨付');
    });

    it('without a key is refused 400 naming the header, and nothing is entered', async () => {
      for (const [path, body] of [
        ['allocations', { source: 'fiscal', amountFen: 500, on: dayFromToday(-1) }],
        ['disbursements', { source: 'fiscal', amountFen: 100, on: dayFromToday(0), purpose: '进度款' }],
      ] as const) {
        const res = await http().post(`/projects/${projectId}/${path}`).set(as()).send(body);
        expect([res.status, res.body.code, res.body.errors]).toEqual([
          400,
          'IDEMPOTENCY.KEY_REQUIRED',
          [{ field: 'Idempotency-Key', reason: '本接口须带幂等键 / required on this route' }],
        ]);
      }
      expect(await movements(projectId)).toBe(0);
    });

    it(`fifty identical disbursements with one key, sent at once, enter one (three rounds, seed ${SEED})`, async () => {
      const allocated = await http()
        .post(`/projects/${projectId}/allocations`)
        .set(as())
        .set('Idempotency-Key', randomUUID())
        .send({ source: 'fiscal', amountFen: 1_000_000, on: dayFromToday(-1) });
      expect(allocated.status).toBe(201);
      for (let round = 1; round <= 3; round++) {
        const key = randomUUID();
        const body = { source: 'fiscal', amountFen: 1_000 + round, on: dayFromToday(0), purpose: `第${round}轮` };
        // Each copy leaves after a random few turns of the event loop, so they overlap differently every round.
        const pending: Promise<request.Response>[] = [];
        for (let i = 0; i < 50; i++) {
          pending.push(
            http()
              .post(`/projects/${projectId}/disbursements`)
              .set(as())
              .set('Idempotency-Key', key)
              .send(body)
              .then((r) => r),
          );
          for (let t = Math.floor(rnd() * 4); t > 0; t--) await new Promise((r) => setImmediate(r));
        }
        const answers = await Promise.all(pending);
        const done = answers.filter((a) => a.status === 201);
        expect(answers.filter((a) => a.status !== 201 && !(a.status === 409 && a.body.code === 'IDEMPOTENCY.IN_PROGRESS'))).toEqual([]);
        expect(new Set(done.map((a) => (a.body as { movementId: string }).movementId)).size).toBe(1);
        expect(done.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
        const paid = await db.query(`select count(*)::int n from assistance.fund_movements where project_id = $1 and amount_fen = $2`, [
          projectId,
          body.amountFen,
        ]);
        expect(paid.rows[0].n).toBe(1);
      }
      expect(await movements(projectId)).toBe(4);
    });
  });
});

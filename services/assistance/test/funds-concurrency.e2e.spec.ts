import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { tokenFor, seededRandom } from '@vanguard/testing';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

const SEED = Number(process.env['ASSISTANCE_CONCURRENCY_SEED'] ?? Date.now() % 1_000_000);
const CONCURRENT = 50;

/**
 * 50 disbursements at once on one project, through HTTP with a real token, whose amounts add up
 * to about twice what was allocated: the balance never goes negative, no accepted disbursement
 * is lost, no refusal was wrong, and the running balance in the events is an unbroken chain.
 */
describe(`funds under ${CONCURRENT} concurrent disbursements (seed ${SEED})`, () => {
  let app: INestApplication;
  let db: Pool;
  let base: string;
  let token: string;
  const rnd = seededRandom(SEED);

  beforeAll(async () => {
    app = await createAssistanceTestApp();
    // A listening server: supertest would otherwise start one listener per request.
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    db = assistanceDb();
    token = await tokenFor('county.assistance');
  });

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('never overdraws, loses none and refuses only what did not fit', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const village = await freshVillage(db, '910425101');
    const allocated = 200_000 + Math.floor(rnd() * 300_000);
    const planned = await request(base)
      .post('/projects')
      .set(auth)
      .send({
        villageId: village,
        name: '并发拨付测试',
        category: 'road_hardening',
        budgetFen: allocated,
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-3),
      });
    const id = planned.body.id as string;
    for (const [path, body] of [
      ['/approve', { on: dayFromToday(-2) }],
      ['/start', { on: dayFromToday(-1) }],
      ['/allocations', { source: 'fiscal', amountFen: allocated, on: dayFromToday(-1) }],
    ] as const)
      expect(
        (await request(base).post(`/projects/${id}${path}`).set(auth).set('Idempotency-Key', randomUUID()).send(body)).status,
      ).toBeLessThan(300);

    const amounts = Array.from({ length: CONCURRENT }, () => Math.floor(allocated / CONCURRENT + rnd() * ((2 * allocated) / CONCURRENT)));
    const answers = await Promise.all(
      amounts.map((amountFen, i) =>
        request(base)
          .post(`/projects/${id}/disbursements`)
          .set(auth)
          .set('Idempotency-Key', randomUUID())
          .send({ source: 'fiscal', amountFen, on: dayFromToday(0), purpose: `第${i + 1}笔` })
          .then((res) => ({ amountFen, status: res.status, body: res.body as { movementId?: string; code?: string } })),
      ),
    );

    expect(answers.filter((a) => a.status !== 201 && a.status !== 422)).toEqual([]);
    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 422);
    expect(refused.every((a) => a.body.code === 'FUNDS.INSUFFICIENT_BALANCE')).toBe(true);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0); // the draw asks for about twice the allocation

    const paid = accepted.reduce((n, a) => n + a.amountFen, 0);
    const project = await request(base).get(`/projects/${id}`).set(auth);
    const balance = project.body.balances[0];
    expect(balance).toEqual({ source: 'fiscal', allocatedFen: allocated, disbursedFen: paid, balanceFen: allocated - paid });
    expect(balance.balanceFen).toBeGreaterThanOrEqual(0);
    // A refusal is wrong if what it asked for fits even in the final (smallest) balance.
    expect(refused.filter((a) => a.amountFen <= balance.balanceFen)).toEqual([]);

    const ledger = await db.query<{ id: string; amount_fen: string }>(
      `select id, amount_fen from fund_movements where project_id = $1 and kind = 'disbursement'`,
      [id],
    );
    expect(ledger.rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.body.movementId).sort());

    const events = await db.query<{ envelope: { streamVersion: number; type: string; data: { amountFen: number; balanceFen: number } } }>(
      `select envelope from vanguard_outbox where stream_id = $1 and event_type in ('assistance.FundsAllocated', 'assistance.FundsDisbursed')`,
      [`project-${id}`],
    );
    const chain = events.rows.map((r) => r.envelope).sort((a, b) => a.streamVersion - b.streamVersion);
    expect(chain).toHaveLength(1 + accepted.length);
    let running = 0;
    for (const e of chain) {
      running += e.type === 'assistance.FundsAllocated' ? e.data.amountFen : -e.data.amountFen;
      expect(e.data.balanceFen).toBe(running);
    }
    expect(running).toBe(allocated - paid);
  });
});

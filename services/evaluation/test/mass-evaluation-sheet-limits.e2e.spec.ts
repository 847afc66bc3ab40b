import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { SheetRenderGate } from '../src/infrastructure/mass-evaluation/sheet-render-gate';

const VILLAGE = demoOrgId('910425101201');

/** PDF ballot sheets are rendered on the request thread: bounded in size and one at a time per user. */
describe('mass evaluation sheet limits (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let token: string;
  const http = () => request(app.getHttpServer());
  const openWindow = async () => {
    const res = await http()
      .post('/mass-evaluations')
      .set('Authorization', `Bearer ${token}`)
      .send({
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        eligibleVoters: 5000,
        opensOn: '2011-06-02',
        closesOn: '2011-06-09',
      });
    expect(res.status).toBe(201);
    return res.body.windowId as string;
  };
  const sheet = (windowId: string, count: number, format?: 'json') =>
    http()
      .post(`/mass-evaluations/${windowId}/codes`)
      .set('Authorization', `Bearer ${token}`)
      .send({ count, ...(format ? { format } : {}) });
  // The window row appears with the first batch issued.
  const issued = async (windowId: string) =>
    Number(
      (
        await db.query(
          `select coalesce(sum(codes_issued), 0) as codes_issued from evaluation.mass_evaluation_window where window_id = $1`,
          [windowId],
        )
      ).rows[0].codes_issued,
    );

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    token = await tokenFor('township.secretary');
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('refuses a PDF sheet of more than 200 codes with 422 and a reason, issuing none; JSON may carry more', async () => {
    const windowId = await openWindow();
    const big = await sheet(windowId, 201);
    expect({ status: big.status, code: big.body.code }).toEqual({ status: 422, code: 'MASS_EVALUATION.SHEET_TOO_LARGE' });
    expect(big.body.message).toContain('200');
    expect(await issued(windowId)).toBe(0);
    expect((await sheet(windowId, 201, 'json')).status).toBe(201);
    expect(await issued(windowId)).toBe(201);
  });

  it('renders one sheet at a time per user: concurrent requests get 429 and issue no codes', async () => {
    const windowId = await openWindow();
    const answers = await Promise.all(Array.from({ length: 4 }, () => sheet(windowId, 200)));
    const made = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(made.length + refused.length).toBe(answers.length);
    expect(made.length).toBeGreaterThanOrEqual(1);
    // The first holds the gate across its issuing round trip and render, while the others arrive at once.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const a of made) expect(a.headers['content-type']).toContain('application/pdf');
    for (const a of refused) expect(a.body.code).toBe('LIMIT.TOO_MANY');
    expect(await issued(windowId)).toBe(200 * made.length);
  });

  it('holds the gate for the whole render and releases it after success or failure', async () => {
    const gate = new SheetRenderGate();
    let finish!: () => void;
    const first = gate.run('u1', () => new Promise<void>((resolve) => (finish = resolve)));
    await expect(gate.run('u1', () => Promise.resolve('second'))).rejects.toMatchObject({ status: 429 });
    await expect(gate.run('u2', () => Promise.resolve('other user'))).resolves.toBe('other user');
    finish();
    await first;
    await expect(gate.run('u1', () => Promise.resolve('after'))).resolves.toBe('after');
    await expect(gate.run('u1', () => Promise.reject(new Error('render failed')))).rejects.toThrow('render failed');
    await expect(gate.run('u1', () => Promise.resolve('after a failure'))).resolves.toBe('after a failure');
  });
});

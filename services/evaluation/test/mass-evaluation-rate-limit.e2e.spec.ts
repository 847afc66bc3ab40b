import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');
const UNKNOWN = 'ABCD-EFGH-JKMN-PQRS';

/** The public ballot endpoint is rate-limited per address and per window: 429 with Retry-After. */
describe('mass evaluation rate limits (e2e)', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor('township.secretary');
  });

  async function withApp(
    limits: { perAddressPerMinute: number; perWindowPerSecond: number },
    run: (app: INestApplication) => Promise<void>,
  ) {
    process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'] = String(limits.perAddressPerMinute);
    process.env['EVALUATION_BALLOTS_PER_WINDOW_PER_SECOND'] = String(limits.perWindowPerSecond);
    const app = await createEvaluationTestApp(clockOn('2011-06-02'));
    try {
      await run(app);
    } finally {
      delete process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'];
      delete process.env['EVALUATION_BALLOTS_PER_WINDOW_PER_SECOND'];
      await app.close();
    }
  }
  const openWindow = async (app: INestApplication) => {
    const res = await request(app.getHttpServer())
      .post('/mass-evaluations')
      .set({ Authorization: `Bearer ${token}` })
      .send({
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        eligibleVoters: 50,
        opensOn: '2011-06-02',
        closesOn: '2011-06-09',
      });
    expect(res.status).toBe(201);
    return res.body.windowId as string;
  };
  const vote = (app: INestApplication, windowId: string) =>
    request(app.getHttpServer()).post(`/mass-evaluations/${windowId}/ballots`).send({ code: UNKNOWN, rating: 'satisfied' });

  it('refuses an address past its ballots per minute with 429 and Retry-After, for any window', () =>
    withApp({ perAddressPerMinute: 5, perWindowPerSecond: 1000 }, async (app) => {
      const [a, b] = [await openWindow(app), await openWindow(app)];
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await vote(app, i % 2 ? a : b)).status);
      expect(answers).toEqual([403, 403, 403, 403, 403]);
      const limited = await vote(app, b);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('LIMIT.TOO_MANY');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(12);
    }));

  it('refuses a window past its ballots per second with 429, while another window still votes', () =>
    withApp({ perAddressPerMinute: 100_000, perWindowPerSecond: 3 }, async (app) => {
      const [a, b] = [await openWindow(app), await openWindow(app)];
      const answers = await Promise.all(Array.from({ length: 10 }, () => vote(app, a)));
      expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(6);
      expect(answers.find((r) => r.status === 429)!.headers['retry-after']).toBe('1');
      expect((await vote(app, b)).status).toBe(403);
    }));
});

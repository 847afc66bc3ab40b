import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { BAD_INPUT } from './support/monthly-review-bad-input';
import { fieldWorkEventCount, twoZones, type TwoZones } from './support/two-zones';

/**
 * Hostile input on zones and monthly review rounds (issue 13, ADR 0047), against the real service
 * and real tokens: every bad request is answered 4xx with a code and a message naming the field
 * and why (or the rule), never a 500 or a stack trace, and leaves the zone, round and findings
 * streams exactly as they were.
 */
describe('monthly reviews refuse hostile input (e2e)', () => {
  let app: INestApplication;
  let z: TwoZones;

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-30'));
    z = await twoZones(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(BAD_INPUT.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const before = await fieldWorkEventCount(z);
    const http = request(app.getHttpServer() as Parameters<typeof request>[0]);
    const auth = { Authorization: `Bearer ${z.tokens[c.as ?? 'county.organizer']}` };
    const body = c.body?.(z);
    const req = c.method === 'get' ? http.get(c.path(z)).set(auth) : http.post(c.path(z)).set(auth);
    const res = typeof body === 'string' ? await req.set('Content-Type', 'application/json').send(body) : await req.send(body ?? {});

    expect([res.status, res.body.code]).toEqual([c.status, c.code]);
    const text = JSON.stringify(res.body);
    for (const named of c.names ?? []) expect(res.body.message).toContain(named);
    expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|"stack"/);
    expect(await fieldWorkEventCount(z)).toBe(before);
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { MovableClock, createCommendationTestApp } from './support/commendation-test-app';

// The commendation service keeps Idempotency-Key answers as evaluation does (libs/http, ADR 0072;
// the behaviour under fifty copies: services/evaluation/test/idempotency-key.e2e.spec.ts).
describe('Idempotency-Key on the commendation service (e2e)', () => {
  let app: INestApplication;
  let db: Pool;
  let token: string;

  beforeAll(async () => {
    app = await createCommendationTestApp(new MovableClock('2011-04-15'));
    token = await tokenFor('province.organizer');
    db = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('a calendar day set again with its key is answered as the first time and recorded once; without a key, twice', async () => {
    // A day far from every suite's programmes, its own each run.
    const day = `2041-0${1 + Math.floor(Math.random() * 9)}-${String(10 + Math.floor(Math.random() * 18))}`;
    const changes = async () =>
      (await db.query(`select count(*)::int n from commendation.work_calendar_change where day = $1`, [day])).rows[0].n as number;
    const before = await changes();
    const key = randomUUID();
    const body = { kind: 'holiday', name: `幂等假日 ${key.slice(0, 6)}` };
    const put = (k?: string) => {
      const r = request(app.getHttpServer()).put(`/calendar/days/${day}`).set('Authorization', `Bearer ${token}`);
      return (k ? r.set('Idempotency-Key', k) : r).send(body);
    };
    const first = await put(key);
    const again = await put(key);
    expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([200, 200, 'true']);
    expect(again.body).toEqual(first.body);
    expect(await changes()).toBe(before + 1);
    await put().expect(200);
    expect(await changes()).toBe(before + 2);
  });
});

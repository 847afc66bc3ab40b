import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const LISTS = [
  '/reviews?year=2010',
  '/pledges?',
  '/comments?',
  '/rectifications?',
  '/benchmarks?',
  '/pioneers?',
  '/assessments?period=2011',
  '/inspections?',
];

/** Every list shares one pagination DTO: hostile limit/offset are a 400 naming the field, never a 500. */
describe('list pagination bounds (e2e)', () => {
  let app: INestApplication;
  let token: string;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    token = await tokenFor('township.secretary');
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(LISTS)('%s refuses an offset beyond 1,000,000 (and one Postgres cannot hold) with 400 naming offset', async (list) => {
    for (const offset of ['100000000000000000000', '1000001']) {
      const res = await get(`${list}&offset=${offset}`);
      expect({ status: res.status, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
        status: 400,
        fields: ['offset'],
      });
    }
  });

  it.each(LISTS)('%s still serves the largest allowed offset and refuses limit 201 naming limit', async (list) => {
    expect((await get(`${list}&offset=1000000`)).status).toBe(200);
    const res = await get(`${list}&limit=201`);
    expect({ status: res.status, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
      status: 400,
      fields: ['limit'],
    });
  });
});

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';

/**
 * A window unit's service record counts once for the unit, over every batch (ADR 0047 "a record id
 * once", ADR 0122), through HTTP with real tokens: a probe counted r1 in batch b1 and again in b2,
 * and the public page showed 2.
 */
describe('window unit service records, a record id once (e2e)', () => {
  let app: INestApplication;
  let unit = '';
  let token = '';
  const http = () => request(app.getHttpServer());
  const send = (batchId: string, recordIds: string[]) =>
    http()
      .post(`/window-units/${unit}/service-records`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ batchId, records: recordIds.map((recordId) => ({ recordId, kind: 'service_given', on: '2011-05-20' })) });
  const countedOnPage = async () =>
    ((await http().get(`/public/window-units/${unit}`)).body.services as { count: number }[]).reduce((n, s) => n + s.count, 0);

  beforeAll(async () => {
    unit = (await freshTownship(1)).villages[0]!;
    app = await createEvaluationTestApp(clockOn('2011-06-01'));
    token = await tokenFor('county.organizer');
    const published = await http()
      .put(`/window-units/${unit}/commitments`)
      .set({ Authorization: `Bearer ${token}` })
      .send({
        serviceName: '村便民服务站',
        duties: '代办低保、医保',
        process: '受理—办理—回访',
        discipline: '首问负责',
        servicePhone: '0470-5123456',
        reason: '三亮',
      });
    expect(published.status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts r1 once though b1 sends it twice and b2 again, and answers 409 to a batch with nothing new', async () => {
    const b1 = await send('b1', ['r1', 'r1']);
    expect([b1.status, b1.body.counted]).toEqual([201, 1]);
    const b2 = await send('b2', ['r1', 'r2']);
    expect([b2.status, b2.body.counted]).toEqual([201, 1]);
    const b3 = await send('b3', ['r2', 'r1']);
    expect([b3.status, b3.body.code]).toEqual([409, 'WINDOW_UNIT.RECORDS_COUNTED']);
    expect(await countedOnPage()).toBe(2);
  });

  it('counts a record once when five batches carrying it arrive at once', async () => {
    const before = await countedOnPage();
    const raced = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`race-${i}`, ['r9'])));
    const counted = raced.filter((r) => r.status === 201);
    expect(counted).toHaveLength(1);
    for (const r of raced.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(['STREAM.CONCURRENT_CHANGE', 'WINDOW_UNIT.RECORDS_COUNTED']).toContain(r.body.code);
    }
    expect(await countedOnPage()).toBe(before + 1);
  });
});

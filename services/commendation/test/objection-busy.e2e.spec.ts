import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DeciderStreams } from '@vanguard/event-store';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { STREAMS } from '../src/application/ports/streams.port';
import { commendationConfig } from '../src/commendation.config';
import { PgObjectionFilings } from '../src/infrastructure/public-notice/pg-objection-filings';
import { MovableClock, createCommendationTestApp } from './support/commendation-test-app';

// ADR 0113: a filing waits for a decision running alone on the programme, and past its wait is
// refused with OBJECTIONS.BUSY. The objector did nothing wrong: the answer says when to send it
// again (Retry-After), and the attempt is given back to the address's limit (the cap on such
// refunds and the notice's limit: public-rate-limiter.unit.spec.ts).
describe('an objection turned away while a decision runs (e2e)', () => {
  let app: INestApplication;
  let decisions: PgObjectionFilings;

  beforeAll(async () => {
    const base = commendationConfig(infraConfig(), 'test');
    app = await createCommendationTestApp(new MovableClock('2011-06-07'), {
      objectionWaitMs: 300,
      publicLimits: { ...base.publicLimits, objectionsPerAddressPerHour: 1 },
    });
    // Another instance of the service deciding on the same database.
    // Its clock at noon, China time: a decision just after midnight waits for the day's grace (ADR 0113).
    const noon = new MovableClock('2011-06-07');
    decisions = new PgObjectionFilings(
      serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl),
      app.get<DeciderStreams>(STREAMS),
      undefined,
      undefined,
      () => noon.now(),
    );
  });
  afterAll(async () => {
    await decisions?.onModuleDestroy();
    await app?.close();
  });

  it('is 409 OBJECTIONS.BUSY with Retry-After and costs the address none of its budget', async () => {
    const programmeId = randomUUID();
    const object = () =>
      request(app.getHttpServer())
        .post(`/public-notices/${programmeId}/objections`)
        .send({ nominationId: randomUUID(), grounds: '事迹材料与实际不符' });

    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const decision = decisions.alone(programmeId, () => {
      held();
      return new Promise<void>((r) => (release = r));
    });
    await holding;
    const busy = await object();
    release();
    await decision;
    expect([busy.status, busy.body.code, busy.headers['retry-after']]).toEqual([409, 'OBJECTIONS.BUSY', '2']);

    // The one objection an hour this address may file is still there: the programme has no notice.
    const next = await object();
    expect([next.status, next.body.code]).toEqual([404, 'NOTICE.NOT_FOUND']);
    // And it was spent by that answer, which the service gave.
    expect((await object()).status).toBe(429);
  });
});

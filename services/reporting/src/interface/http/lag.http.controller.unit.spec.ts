import { createServer, type AddressInfo, type Socket } from 'node:net';
import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import type { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { waitUntil } from '@vanguard/testing';
import { ProjectionRunner } from '../../infrastructure/projection/projection.runner';
import { LagHttpController } from './lag.http.controller';

const runner = (enabled: boolean, brokers: string[], lagTimeoutMs?: number) =>
  new ProjectionRunner({} as Pool, new ScopeService({ table: 'rpt_org' }), { enabled, brokers, groupId: 'lag-unit', lagTimeoutMs });

/** The runner's own parts a test watches: its kafkajs client, and the admin client it has not let go of yet. */
type RunnerInside = {
  client: { kafka: { admin: () => unknown }; openSockets: number };
  adminInFlight: Promise<unknown> | undefined;
};
const inside = (r: ProjectionRunner) => r as unknown as RunnerInside;

/** A broker that accepts connections and never answers a request (a hung broker, a proxy whose far side is gone). */
async function silentBroker() {
  const accepted: Socket[] = [];
  const server = createServer((s) => {
    s.on('error', () => undefined); // the client destroys its side at the end
    accepted.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Connections taken since the start. */
    accepted: () => accepted.length,
    /** Connections still open. */
    open: () => accepted.filter((s) => !s.destroyed).length,
    close: async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the ProblemFilter turns into the answer: status, body and Retry-After. */
async function refusal(sut: LagHttpController) {
  const e = await sut.lag().then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ServiceUnavailableException);
  const x = e as ServiceUnavailableException;
  return { status: x.getStatus(), body: x.getResponse() };
}

describe(LagHttpController.name, () => {
  it('lag_WhenTheConsumerIsDisabled_Answers503WithTheReasonAtOnce', async () => {
    const sut = new LagHttpController(runner(false, ['127.0.0.1:1']));
    const started = Date.now();
    expect(await refusal(sut)).toEqual({
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: expect.objectContaining({ code: 'REPORT.LAG_UNAVAILABLE', errors: [{ field: 'lag', reason: 'disabled' }], retryAfterSec: 60 }),
    });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('lag_WhenKafkaIsUnreachable_Answers503WithTheReasonWithinSeconds_AndCallersAtOnceShareOneAttempt', async () => {
    const r = runner(true, ['127.0.0.1:1']);
    const admins = jest.spyOn((r as unknown as { client: { kafka: { admin: () => unknown } } }).client.kafka, 'admin');
    const sut = new LagHttpController(r);
    const started = Date.now();
    const answers = await Promise.all([refusal(sut), refusal(sut), refusal(sut)]);
    for (const a of answers)
      expect(a).toEqual({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: expect.objectContaining({
          code: 'REPORT.LAG_UNAVAILABLE',
          errors: [{ field: 'lag', reason: 'unreachable' }],
          retryAfterSec: 5,
        }),
      });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(admins).toHaveBeenCalledTimes(1);
    await r.onModuleDestroy();
  });

  it('lag_WhileTheAdminOfACallerThatGaveUpIsStillConnecting_AnswersUnreachableAtOnceWithoutAnotherAdmin', async () => {
    const timeoutMs = 2_000;
    const broker = await silentBroker();
    const r = runner(true, [broker.address], timeoutMs);
    const admins = jest.spyOn(inside(r).client.kafka, 'admin');
    const sut = new LagHttpController(r);
    const unreachable = {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: expect.objectContaining({ code: 'REPORT.LAG_UNAVAILABLE', errors: [{ field: 'lag', reason: 'unreachable' }] }),
    };
    try {
      const started = Date.now();
      const first = refusal(sut);
      await waitUntil('the silent broker to take the admin client’s connection', () => broker.accepted() >= 1, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      // The caller gives up after the timeout, not kafkajs's request timeout (30 s) and retries.
      expect(await first).toEqual(unreachable);
      expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 20);
      expect(Date.now() - started).toBeLessThan(timeoutMs + 5_000);
      const taken = broker.accepted();
      // Its admin client is still waiting for the broker's answer on an open connection.
      expect(broker.open()).toBeGreaterThanOrEqual(1);
      expect(inside(r).adminInFlight).toBeDefined();

      const again = Date.now();
      expect(await refusal(sut)).toEqual(unreachable);
      expect(Date.now() - again).toBeLessThan(timeoutMs * 0.8); // at once, not after a timeout of its own
      expect(admins).toHaveBeenCalledTimes(1);
      expect(broker.accepted()).toBe(taken);
    } finally {
      // The stop destroys the connection the first admin client still waits on, and every one it opens
      // after: it fails once kafkajs's connect retries (the client's, about 9 s of back-off, not the
      // admin's `retries: 1`) run out, disconnects, and is let go of.
      await r.onModuleDestroy();
      await waitUntil('the first admin client to be let go of', () => inside(r).adminInFlight === undefined, { timeoutMs: 20_000 });
      await broker.close();
    }
    expect(inside(r).client.openSockets).toBe(0);
    expect(broker.open()).toBe(0);
  }, 60_000);
});

import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import type { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { ProjectionRunner } from '../../infrastructure/projection/projection.runner';
import { LagHttpController } from './lag.http.controller';

const runner = (enabled: boolean, brokers: string[]) =>
  new ProjectionRunner({} as Pool, new ScopeService({ table: 'rpt_org' }), { enabled, brokers, groupId: 'lag-unit' });

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
});

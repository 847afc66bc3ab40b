import { HttpException } from '@nestjs/common';
import { ConcurrencyLimiter, LongWork, TooManyRequestsException } from './long-work';

const refusal = (fn: () => unknown): { status: number; reason?: string } => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof HttpException)) throw e;
    const body = e.getResponse() as { errors?: { reason: string }[] };
    return { status: e.getStatus(), reason: body.errors?.[0]?.reason };
  }
  return { status: 0 };
};

describe(ConcurrencyLimiter.name, () => {
  const make = () => {
    const work = new LongWork();
    return { work, sut: work.limiter({ zh: '导出', en: 'exports' }, { perUser: 2, total: 3, retryAfterSec: 5 }) };
  };

  it('acquire_WhenTheUserHoldsTheirShare_RefusesWith429PerUser', () => {
    const { sut } = make();
    sut.acquire('a');
    sut.acquire('a');

    expect(refusal(() => sut.acquire('a'))).toEqual({ status: 429, reason: 'per_user' });
    expect(sut.acquire('b')).toBeDefined();
  });

  it('acquire_WhenEveryoneTogetherHoldsTheTotal_RefusesWith429Total', () => {
    const { sut } = make();
    sut.acquire('a');
    sut.acquire('b');
    sut.acquire('c');

    expect(refusal(() => sut.acquire('d'))).toEqual({ status: 429, reason: 'total' });
  });

  it('release_WhenCalledTwice_GivesBackOneSlotOnly', () => {
    const { sut } = make();
    const lease = sut.acquire('a');
    sut.acquire('a');
    lease.release();
    lease.release();

    expect(sut.inUse).toBe(1);
    sut.acquire('a');
    expect(refusal(() => sut.acquire('a')).reason).toBe('per_user');
  });

  it('refusal_CarriesRetryAfter', () => {
    const e = new TooManyRequestsException('x', 5, 'total');
    expect((e.getResponse() as { retryAfterSec: number }).retryAfterSec).toBe(5);
  });
});

describe(LongWork.name, () => {
  it('idle_WhenTheLastLeaseIsReleased_Resolves', async () => {
    const work = new LongWork();
    const lease = work.limiter({ zh: '导入', en: 'imports' }, { perUser: 1, total: 1, retryAfterSec: 1 }).acquire('a');
    const idle = work.idle(10_000);

    lease.release();

    await expect(idle).resolves.toBe(true);
  });

  it('requestStop_AbortsEveryLeaseSignal_AndRefusesNewLeasesWith503', () => {
    const work = new LongWork();
    const limiter = work.limiter({ zh: '导入', en: 'imports' }, { perUser: 1, total: 1, retryAfterSec: 1 });
    const lease = limiter.acquire('a');

    work.requestStop();

    expect(lease.signal.aborted).toBe(true);
    expect(refusal(() => limiter.acquire('b')).status).toBe(503);
  });
});

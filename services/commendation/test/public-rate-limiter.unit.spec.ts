import { HttpException } from '@nestjs/common';
import { PublicRateLimiter } from '../src/infrastructure/public-notice/public-rate-limiter';

const limits = { readsPerAddressPerMinute: 3, objectionsPerAddressPerHour: 2, objectionsPerNoticePerMinute: 3 };
const status = (fn: () => void): number => {
  try {
    fn();
    return 200;
  } catch (e) {
    return e instanceof HttpException ? e.getStatus() : 500;
  }
};

describe(PublicRateLimiter.name, () => {
  it('objection_WhenOneAddressSpendsItsBudget_RefusesIt_ButNotAnotherAddress_UntilTimeRefillsIt', () => {
    let now = 0;
    const sut = new PublicRateLimiter(limits, () => now);
    expect([1, 2, 3].map(() => status(() => sut.objection('10.0.0.1', 'notice-a')))).toEqual([200, 200, 429]);
    expect(status(() => sut.objection('10.0.0.2', 'notice-a'))).toBe(200);
    now += 31 * 60_000; // a little over half an hour: one objection's worth
    expect(status(() => sut.objection('10.0.0.1', 'notice-a'))).toBe(200);
    expect(status(() => sut.objection('10.0.0.1', 'notice-a'))).toBe(429);
  });

  it('objection_WhenManyAddressesFloodOneNotice_RefusesPastTheNoticesBudget', () => {
    const sut = new PublicRateLimiter(limits, () => 0);
    const answers = ['a', 'b', 'c', 'd', 'e'].map((ip) => status(() => sut.objection(ip, 'notice-b')));
    expect(answers).toEqual([200, 200, 200, 429, 429]);
    expect(status(() => sut.objection('f', 'notice-c'))).toBe(200);
  });

  it('read_WhenAnAddressReadsPastItsBudget_Refuses429', () => {
    const sut = new PublicRateLimiter(limits, () => 0);
    expect([1, 2, 3, 4].map(() => status(() => sut.read('10.0.0.9')))).toEqual([200, 200, 200, 429]);
  });
});

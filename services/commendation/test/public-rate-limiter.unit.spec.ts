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

  it('objectionNotServed_GivesTheAddressItsObjectionBack_AtMostItsOwnBudgetAnHour_AndNeverTheNotices', () => {
    let now = 0;
    const sut = new PublicRateLimiter(limits, () => now);
    const busy = (ip: string, notice: string) => {
      const s = status(() => sut.objection(ip, notice));
      if (s === 200) sut.objectionNotServed(ip);
      return s;
    };
    // Two refunds an hour (the address's budget): the third busy attempt is spent, and the fourth refused.
    expect([busy('10.0.0.3', 'notice-d'), busy('10.0.0.3', 'notice-d'), busy('10.0.0.3', 'notice-d')]).toEqual([200, 200, 200]);
    expect(status(() => sut.objection('10.0.0.3', 'notice-e'))).toBe(200);
    expect(status(() => sut.objection('10.0.0.3', 'notice-e'))).toBe(429);
    // notice-d's budget (3 a minute) stayed spent by the three busy attempts.
    expect(status(() => sut.objection('10.0.0.4', 'notice-d'))).toBe(429);
    now += 60 * 60_000;
    expect([busy('10.0.0.3', 'notice-f'), status(() => sut.objection('10.0.0.3', 'notice-f'))]).toEqual([200, 200]);
  });

  it('read_WhenAnAddressReadsPastItsBudget_Refuses429', () => {
    const sut = new PublicRateLimiter(limits, () => 0);
    expect([1, 2, 3, 4].map(() => status(() => sut.read('10.0.0.9')))).toEqual([200, 200, 200, 429]);
  });
});

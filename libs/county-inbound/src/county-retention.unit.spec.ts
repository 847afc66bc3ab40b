import { silentLogger } from '@vanguard/messaging';
import { CountyRetention } from './county-retention';
import type { CountyInboundStore } from './county-inbound.store';

// The gate stops its retention at shutdown; a start still in flight then (Kafka down at boot)
// calls start() afterwards. A prune timer left behind would fire into a closed pool an hour later.
describe(CountyRetention.name, () => {
  const store: CountyInboundStore<never> = { transaction: () => Promise.resolve([] as never) };
  const retention = () => new CountyRetention(store, { everyMs: 1_000 }, () => new Date(), silentLogger);

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('start_WhileRunning_SchedulesAPrune', () => {
    retention().start();
    expect(jest.getTimerCount()).toBe(1);
  });

  it('start_AfterStop_LeavesNoTimerBehind', async () => {
    const sut = retention();
    await sut.stop();
    sut.start();
    expect(jest.getTimerCount()).toBe(0);
  });
});

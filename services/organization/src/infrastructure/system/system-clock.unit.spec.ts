import { SystemClock } from './system-clock';

describe(SystemClock.name, () => {
  afterEach(() => jest.useRealTimers());

  it('reads today as the day in China: from 16:00 UTC it is already tomorrow there', () => {
    jest.useFakeTimers({ now: new Date('2026-12-05T17:30:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    expect(new SystemClock().today()).toBe('2026-12-06');
    jest.setSystemTime(new Date('2026-12-05T15:59:59.999Z'));
    expect(new SystemClock().today()).toBe('2026-12-05');
  });
});

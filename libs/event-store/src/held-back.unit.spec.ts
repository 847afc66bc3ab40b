import { HeldBackPause } from './held-back';

describe(HeldBackPause.name, () => {
  it('WhenAPageStaysHeldBack_StartsAt5msAndDoublesUpToASecond_NeverPast', () => {
    const sut = new HeldBackPause(180_000);
    const waits = Array.from({ length: 40 }, () => sut.take());
    expect(waits.slice(0, 9)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1_000]);
    expect(waits.slice(8).every((w) => w === 1_000)).toBe(true);
  });

  it('WhenTheReadersOwnIdlePauseIsShorter_NeverWaitsLongerThanIt', () => {
    const sut = new HeldBackPause(100);
    expect(Array.from({ length: 10 }, () => sut.take())).toEqual([5, 10, 20, 40, 80, 100, 100, 100, 100, 100]);
  });

  it('WhenReset_TheNextHoldStartsShortAgain', () => {
    const sut = new HeldBackPause(180_000);
    for (let i = 0; i < 20; i++) sut.take();
    sut.reset();
    expect([sut.take(), sut.take()]).toEqual([5, 10]);
  });
});

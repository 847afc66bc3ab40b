import { progressLine, timeLeft } from './progress-bar';

describe(progressLine.name, () => {
  it('fills the bar by the share done and says the time left at the rate so far', () =>
    expect(progressLine(1234, 2700, 10_000, 20)).toBe('[#########-----------]  45% 1,234/2,700 streams · 12 s left'));

  it('estimates before anything is done and says done at the end', () => {
    expect(timeLeft(0, 10, 5_000)).toBe('estimating…');
    expect(progressLine(10, 10, 5_000, 4)).toBe('[####] 100% 10/10 streams · done');
  });

  it('draws no bar and says no time left when the total is unknown', () =>
    expect(progressLine(1234, undefined, 10_000, 20, 'events')).toBe('1,234 events'));

  it('stays full and done when more was done than the total said', () =>
    expect(progressLine(2004, 2003, 1_000, 4, 'events')).toBe('[####] 100% 2,004/2,003 events · done'));

  it('counts minutes and hours for long work', () => {
    expect(timeLeft(1, 100, 1_000)).toBe('1 min 39 s left');
    expect(timeLeft(1, 10_000, 1_000)).toBe('2 h 46 min left');
  });
});

import { uuidv7 } from './uuid-v7';

describe(uuidv7.name, () => {
  it('is a version-7, RFC-variant uuid carrying the millisecond timestamp', () => {
    const sut = uuidv7(Date.UTC(2026, 0, 1));
    expect(sut).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(sut.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 1));
  });

  it('increases strictly even within one millisecond, so ids sort in creation order', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import type { EventEnvelope } from '@vanguard/contracts';
import { Upcasters } from './upcasters';

const v1: EventEnvelope<{ name: string }> = {
  eventId: '7d444840-9dc0-41d1-b245-5ffdce74fad2',
  type: 'evaluation.PledgeFiled',
  version: 1,
  streamId: 'pledge-1',
  streamVersion: 1,
  occurredAt: '2024-01-01T00:00:00.000Z',
  recordedAt: '2024-01-01T00:00:00.000Z',
  actor: { sub: 'u', roles: [] },
  orgId: 'o',
  correlationId: 'c',
  causationId: null,
  data: { name: 'Zhang San' },
};

describe(Upcasters.name, () => {
  const sut = new Upcasters([
    { type: 'evaluation.PledgeFiled', fromVersion: 1, upcast: (d: { name: string }) => ({ fullName: d.name }) },
    { type: 'evaluation.PledgeFiled', fromVersion: 2, upcast: (d: { fullName: string }) => ({ ...d, source: 'legacy' }) },
  ]);

  it('reads type@1 as the latest version, one step at a time', () => {
    const e = sut.apply(v1);
    expect(e.version).toBe(3);
    expect(e.data).toEqual({ fullName: 'Zhang San', source: 'legacy' });
    expect(v1.data).toEqual({ name: 'Zhang San' }); // the stored event is not mutated
  });

  it('starts from the version the event has', () => {
    expect(sut.apply({ ...v1, version: 2, data: { fullName: 'Li Si' } }).data).toEqual({ fullName: 'Li Si', source: 'legacy' });
  });

  it('leaves other types alone', () => {
    const other = { ...v1, type: 'evaluation.CommentAdded' };
    expect(sut.apply(other)).toBe(other);
  });

  it('refuses two upcasters for the same type and version', () => {
    expect(
      () =>
        new Upcasters([
          { type: 't', fromVersion: 1, upcast: (d: unknown) => d },
          { type: 't', fromVersion: 1, upcast: (d: unknown) => d },
        ]),
    ).toThrow(/two upcasters/);
  });
});

import { InfrastructureUnavailable } from '@vanguard/messaging';
import { LINK_GRACE_MS, LinksArrival } from './county-member-links';

const at = (iso: string) => new Date(iso);

describe(LinksArrival.name, () => {
  const readTo = (iso: string) => {
    const calls: number[] = [];
    return { calls, readThrough: () => (calls.push(1), Promise.resolve(at(iso))) };
  };

  it('passes once the links are read through the grace after the latest of the messages arrived', async () => {
    const sut = new LinksArrival(2_000);
    sut.progress = readTo('2026-12-07T03:00:03.000Z');

    await expect(sut.awaitLinks([at('2026-12-07T03:00:00.000Z'), at('2026-12-07T03:00:01.000Z')])).resolves.toBeUndefined();
  });

  it('throws no verdict while the links are read only up to a moment inside the grace of one of them', async () => {
    const sut = new LinksArrival(2_000);
    sut.progress = readTo('2026-12-07T03:00:02.999Z');

    const waiting = sut.awaitLinks([at('2026-12-07T03:00:00.000Z'), at('2026-12-07T03:00:01.000Z')]);
    await expect(waiting).rejects.toBeInstanceOf(InfrastructureUnavailable);
    await expect(waiting).rejects.toThrow('2026-12-07T03:00:03.000Z');
    // Tried again within a second, not at the consumer's backoff.
    await expect(waiting).rejects.toMatchObject({ retryAfterMs: expect.any(Number) });
    const retryAfterMs = ((await waiting.catch((e: unknown) => e)) as InfrastructureUnavailable).retryAfterMs!;
    expect(retryAfterMs).toBeGreaterThanOrEqual(250);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  it('waits the platform’s grace unless told otherwise', async () => {
    const sut = new LinksArrival();
    sut.progress = readTo(new Date(Date.parse('2026-12-07T03:00:00.000Z') + LINK_GRACE_MS - 1).toISOString());

    await expect(sut.awaitLinks([at('2026-12-07T03:00:00.000Z')])).rejects.toBeInstanceOf(InfrastructureUnavailable);
  });

  it('asks nothing when no message waits, and waits for nothing in a service that reads no links of its own', async () => {
    const sut = new LinksArrival(2_000);
    const progress = readTo('1970-01-01T00:00:00.000Z');
    sut.progress = progress;
    await expect(sut.awaitLinks([])).resolves.toBeUndefined();
    expect(progress.calls).toEqual([]);

    await expect(new LinksArrival(2_000).awaitLinks([at('2026-12-07T03:00:00.000Z')])).resolves.toBeUndefined();
  });
});

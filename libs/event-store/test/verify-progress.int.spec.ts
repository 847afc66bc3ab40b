import { Pool } from 'pg';
import { PostgresEventStore } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

/**
 * The whole-store pass reports how far it is after each page of rows (500) and stops between
 * pages when its signal aborts, its connections back in the pool: what a long verification
 * behind an HTTP route or a CLI progress bar needs (ADR 0078).
 */
describe(`${PostgresEventStore.name} verify: progress and stopping`, () => {
  let f: StoreFixture;
  let pool: Pool;
  let sut: PostgresEventStore;
  const streams = { 'ledger-a': 700, 'ledger-b': 300, 'ledger-c': 1 };

  beforeAll(async () => {
    f = await storeFixture('es_verify_progress');
    const writer = f.store({ groupCommit: false });
    for (const [stream, n] of Object.entries(streams))
      for (let from = 0; from < n; from += 100)
        await writer.append(
          stream,
          Array.from({ length: Math.min(100, n - from) }, (_, k) => counted('test.Counted', from + k + 1)),
          { expectedVersion: from === 0 ? 'no_stream' : from, context },
        );
    // The pool a verification gets: one connection for the pass, one for what it asks on the side.
    pool = new Pool({ connectionString: f.db.url, max: 2 });
    sut = new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: false });
  });
  afterAll(async () => {
    await pool?.end();
    await f?.close();
  });

  it('WhenVerifyingEverything_ReportsEachPageUntilEveryEventAndStream', async () => {
    const seen: { checkedEvents: number; checkedStreams: number }[] = [];
    const report = await sut.verify({}, { parallelism: 1, onProgress: (p) => seen.push({ ...p }) });
    expect(report).toMatchObject({ ok: true, checkedEvents: 1001, checkedStreams: 3 });
    expect(seen.map((p) => p.checkedEvents)).toEqual([500, 1000, 1001]);
    expect(seen.at(-1)).toEqual({ checkedEvents: 1001, checkedStreams: 3 });
  });

  it('WhenRangesRunSideBySide_ReportsTheirSum', async () => {
    const seen: number[] = [];
    await sut.verify({}, { parallelism: 2, onProgress: (p) => seen.push(p.checkedEvents) });
    expect(seen.at(-1)).toBe(1001);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('WhenTheSignalAbortsAfterTheFirstPage_StopsWithItsReasonAndHoldsNoConnection', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const reason = new Error('the client went away');
    const verifying = sut.verify(
      {},
      {
        parallelism: 1,
        signal: stop.signal,
        onProgress: (p) => {
          seen.push(p.checkedEvents);
          stop.abort(reason);
        },
      },
    );
    await expect(verifying).rejects.toBe(reason);
    expect(seen).toEqual([500]);
    expect({ idle: pool.idleCount, waiting: pool.waitingCount }).toEqual({ idle: pool.totalCount, waiting: 0 });
  });
});

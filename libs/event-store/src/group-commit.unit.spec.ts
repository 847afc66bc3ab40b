import { AppendOutcomeUnknownError } from './errors';
import { seededRandom } from '@vanguard/testing';
import { failureKind, GroupCommitter, type AppendOutcome, type AppendRequest, type GroupStore } from './group-commit';

const request = (streamId: string, events = 1): AppendRequest => ({
  streamId,
  category: 'pledge',
  expected: null,
  heads: Array.from({ length: events }, () => 'h'),
  tails: Array.from({ length: events }, () => 't'),
  eventIds: Array.from({ length: events }, (_, i) => `${streamId}-${i}`),
});
/** What node-postgres throws for an ERROR the server raised (the transaction is rolled back). */
const serverError = (code: string, message = code) => Object.assign(new Error(message), { code, severity: 'ERROR' });
const rowsFor = (r: AppendRequest): AppendOutcome => ({
  rows: [{ position: '1', streamVersion: '1', transactionId: '9', hash: r.streamId }],
});

/** A writer whose groups stay open until released, recording what each group held. */
function gatedWriter(fail: (r: AppendRequest) => boolean = () => false) {
  const groups: string[][] = [];
  const gates: (() => void)[] = [];
  let open = 0;
  let maxOpen = 0;
  const write = async (requests: readonly AppendRequest[]) => {
    groups.push(requests.map((r) => r.streamId));
    open++;
    maxOpen = Math.max(maxOpen, open);
    await new Promise<void>((r) => gates.push(r));
    open--;
    if (requests.some(fail)) throw serverError('23505', `duplicate in ${requests.map((r) => r.streamId).join(',')}`);
    return requests.map(rowsFor);
  };
  const releaseAll = async () => {
    while (gates.length) {
      gates.splice(0).forEach((g) => g());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { write, groups, releaseAll, maxOpen: () => maxOpen };
}

describe(GroupCommitter.name, () => {
  it('WhenAppendsArriveWhileGroupsAreInFlight_TheyGoTogetherAsTheNextGroup', async () => {
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write, { maxInFlight: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((s) => sut.submit(request(s)));
    await w.releaseAll();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e'].map((s) => rowsFor(request(s))));
    expect(w.groups).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(w.maxOpen()).toBe(2);
  });

  it('WhenTheQueueIsLong_CapsTheGroupSize', async () => {
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write, { maxInFlight: 1, maxAppends: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((s) => sut.submit(request(s)));
    await w.releaseAll();
    await Promise.all(results);
    expect(w.groups).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('WhenAppendsAreLarge_CapsTheGroupByEvents_AndWritesAnAppendAtTheCapAtOnceOnItsOwn', async () => {
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write, { maxInFlight: 1, maxEvents: 10 });
    const results = [
      sut.submit(request('a', 1)),
      sut.submit(request('b', 6)),
      sut.submit(request('c', 4)),
      sut.submit(request('d', 1)),
      sut.submit(request('big', 10)),
    ];
    // 'big' did not wait for the in-flight group.
    expect(w.groups).toEqual([['a'], ['big']]);
    await w.releaseAll();
    await Promise.all(results);
    expect(w.groups).toEqual([['a'], ['big'], ['b', 'c'], ['d']]);
  });

  it('ByDefault_AppendsOf100EventsQueueAndShareACommit_TenAtATime', async () => {
    // Every append notifies, and Postgres serialises notifying commits: written one
    // transaction each, batches of 100 queued on the WAL flush (ADR 0023).
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write);
    const streams = Array.from({ length: 16 }, (_, i) => `s${i}`);
    const results = streams.map((s) => sut.submit(request(s, 100)));
    await w.releaseAll();
    await Promise.all(results);
    expect(w.groups).toEqual([['s0'], ['s1'], streams.slice(2, 12), streams.slice(12)]);
    expect(w.maxOpen()).toBe(2);
  });

  it('WhenAGroupFails_RetriesEachAppendAloneSoOnlyTheBadOneFails', async () => {
    const w = gatedWriter((r) => r.streamId === 'bad');
    const sut = new GroupCommitter(w.write, { maxInFlight: 1 });
    const first = sut.submit(request('first'));
    const rest = ['x', 'bad', 'y'].map((s) =>
      sut.submit(request(s)).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    await w.releaseAll();
    await first;
    expect(await Promise.all(rest)).toEqual(['ok', 'duplicate in bad', 'ok']);
    expect(w.groups).toEqual([['first'], ['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
  });

  it('WhenAFailureProvesNothingCommitted_ClassifiesIt_AndAnythingElseIsUnknown', () => {
    expect(failureKind(serverError('VGES3'))).toBe('retry');
    expect(failureKind(serverError('40P01'))).toBe('retry');
    expect(failureKind(serverError('23505'))).toBe('rejected');
    expect(failureKind(Object.assign(new Error('terminating connection'), { code: '57P01', severity: 'FATAL' }))).toBe('unknown');
    expect(failureKind(new Error('Connection terminated unexpectedly'))).toBe('unknown');
  });

  it('WhenAGroupIsRefusedAsStale_WritesTheWholeGroupAgain', async () => {
    const groups: string[][] = [];
    let refusals = 1;
    const sut = new GroupCommitter((requests) => {
      groups.push(requests.map((r) => r.streamId));
      return refusals-- > 0 ? Promise.reject(serverError('VGES3')) : Promise.resolve(requests.map(rowsFor));
    });
    await Promise.all(['a', 'b'].map((s) => sut.submit(request(s))));
    // 'b' went beside it; only the refused group is written again, whole.
    expect(groups).toEqual([['a'], ['b'], ['a']]);
  });

  it('WhenTheConnectionBreaks_LooksTheAppendsUp_AndWritesAgainOnlyWhatWasNotStored', async () => {
    const written: string[][] = [];
    let broken = false;
    const committedBeforeTheBreak = new Set(['a', 'c']);
    const sut = new GroupCommitter(
      {
        write: (requests) => {
          written.push(requests.map((r) => r.streamId));
          if (!broken && requests.length > 1) {
            broken = true;
            return Promise.reject(new Error('Connection terminated unexpectedly'));
          }
          return Promise.resolve(requests.map(rowsFor));
        },
        resolve: (requests) => Promise.resolve(requests.map((r) => (committedBeforeTheBreak.has(r.streamId) ? rowsFor(r) : null))),
      },
      { maxInFlight: 1 },
    );
    const first = sut.submit(request('first'));
    const rest = ['a', 'b', 'c'].map((s) => sut.submit(request(s)));
    await first;
    expect(await Promise.all(rest)).toEqual(['a', 'b', 'c'].map((s) => rowsFor(request(s))));
    // 'a' and 'c' did commit: their callers get their stored rows, and they are not written twice.
    expect(written).toEqual([['first'], ['a', 'b', 'c'], ['b']]);
  });

  it('WhenTheOutcomeCannotBeLookedUp_SaysItIsUnknown_InsteadOfDecidingAgain', async () => {
    let writes = 0;
    const sut = new GroupCommitter({
      write: () => {
        writes++;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      },
      resolve: () => Promise.reject(new Error('database unreachable')),
    });
    await expect(sut.submit(request('a'))).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    expect(writes).toBe(1);
  });

  it('WhileAStreamIsBeingWritten_LaterAppendsOfItWait_SoOneStreamKeepsArrivalOrder', async () => {
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write, { maxInFlight: 3, maxEvents: 100 });
    const results = [request('s'), request('s'), request('t'), request('s'), request('big', 100), request('s', 100)].map((r) =>
      sut.submit(r),
    );
    await w.releaseAll();
    await Promise.all(results);
    // The second 's' waits for the first even though a group could start; 't' and 'big' do not wait.
    expect(w.groups).toEqual([['s'], ['t'], ['big'], ['s', 's'], ['s']]);
  });

  it('WhenAFullGroupIsStarted_TheNextAppendOfItsStreamWaitsForIt', async () => {
    const w = gatedWriter();
    const sut = new GroupCommitter(w.write, { maxInFlight: 2, maxAppends: 2 });
    const results = ['s', 's', 's', 's'].map((s) => sut.submit(request(s)));
    await w.releaseAll();
    await Promise.all(results);
    expect(w.groups).toEqual([['s'], ['s', 's'], ['s']]);
    // One stream, so never two groups open at once although two could be.
    expect(w.maxOpen()).toBe(1);
  });

  // Random arrivals, sizes, limits and release orders, with writes that fail before or after
  // their commit: whatever the interleaving, no stream is in two groups being written, and
  // pipelined appends that each expect the version the previous one leaves are all stored, in
  // arrival order.
  const SEED = Number(process.env.GROUP_COMMIT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  it(`UnderRandomInterleavings_AStreamIsInOneGroupAtATime_AndItsAppendsLandInArrivalOrder (seeds from ${SEED})`, async () => {
    for (let seed = SEED; seed < SEED + 200; seed++) {
      const sim = simulatedStore(seededRandom(seed));
      const rnd = seededRandom(seed ^ 0x5eed);
      const sut = new GroupCommitter(sim.store, {
        maxInFlight: 1 + Math.floor(rnd() * 4),
        maxAppends: 1 + Math.floor(rnd() * 5),
        maxEvents: 2 + Math.floor(rnd() * 6),
      });
      const submitted = new Map<string, string[]>();
      const results: Promise<AppendOutcome>[] = [];
      for (let n = 0; n < 60; n++) {
        if (rnd() < 0.6) {
          const streamId = ['a', 'b', 'c'][Math.floor(rnd() * 3)]!;
          const ids = submitted.get(streamId) ?? [];
          const events = 1 + Math.floor(rnd() * 7);
          const r = request(streamId, events);
          const eventIds = Array.from({ length: events }, (_, i) => `${streamId}-${ids.length + i}`);
          results.push(sut.submit({ ...r, eventIds, expected: rnd() < 0.5 ? ids.length : null }));
          submitted.set(streamId, [...ids, ...eventIds]);
        } else sim.releaseOne();
        await new Promise((r) => setImmediate(r));
      }
      await sim.releaseAll();
      const outcomes = await Promise.all(results);
      expect({ seed, overlaps: sim.overlaps, refused: outcomes.filter((o) => 'actual' in o) }).toEqual({ seed, overlaps: [], refused: [] });
      expect({ seed, stored: sim.stored }).toEqual({ seed, stored: Object.fromEntries(submitted) });
    }
  });
});

/**
 * A store that checks expected versions as append_events_many does, records a stream written by
 * two groups at once, and fails some writes: before the commit (stale, to be written again) or
 * after it (the connection broke; `resolve` finds what was stored).
 */
function simulatedStore(rnd: () => number) {
  const stored: Record<string, string[]> = {};
  const writing = new Map<string, number>();
  const overlaps: string[] = [];
  const gates: (() => void)[] = [];
  const commit = (r: AppendRequest): AppendOutcome => {
    const ids = (stored[r.streamId] ??= []);
    if (r.expected !== null && r.expected !== ids.length) return { actual: ids.length };
    ids.push(...r.eventIds);
    return rowsFor(r);
  };
  const store: GroupStore = {
    async write(requests) {
      const streams = new Set(requests.map((r) => r.streamId));
      for (const s of streams) {
        if (writing.has(s)) overlaps.push(s);
        writing.set(s, (writing.get(s) ?? 0) + 1);
      }
      await new Promise<void>((r) => gates.push(r));
      for (const s of streams) {
        const n = writing.get(s)! - 1;
        if (n > 0) writing.set(s, n);
        else writing.delete(s);
      }
      const dice = rnd();
      if (dice < 0.1) throw serverError('VGES3');
      if (dice < 0.15) throw new Error('Connection terminated unexpectedly');
      const outcomes = requests.map(commit);
      if (dice < 0.2) throw new Error('Connection terminated unexpectedly');
      return outcomes;
    },
    resolve: (requests) =>
      Promise.resolve(requests.map((r) => (r.eventIds.every((id) => stored[r.streamId]?.includes(id)) ? rowsFor(r) : null))),
  };
  return {
    store,
    stored,
    overlaps,
    releaseOne: () => gates.splice(Math.floor(rnd() * gates.length), 1)[0]?.(),
    async releaseAll() {
      for (let idle = 0; idle < 3; idle = gates.length ? 0 : idle + 1) {
        while (gates.length) gates.splice(Math.floor(rnd() * gates.length), 1)[0]!();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

import { GroupCommitter, type AppendOutcome, type AppendRequest } from './group-commit';

const request = (streamId: string, events = 1): AppendRequest => ({
  streamId,
  category: 'pledge',
  expected: null,
  heads: Array.from({ length: events }, () => 'h'),
  tails: Array.from({ length: events }, () => 't'),
});
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
    if (requests.some(fail)) throw new Error(`duplicate in ${requests.map((r) => r.streamId).join(',')}`);
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
});

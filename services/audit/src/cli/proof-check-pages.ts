// A whole stream proven page by page (ADR 0077): an auditor's trail outgrows one proof answer
// (2,000 entries), and "these are ALL of an auditor's entries" must still hold. Part of the CLI's
// own verifier: it builds on proof-check.ts only, never on the code that built the proof.
import {
  CHAIN_START,
  chainOver,
  checkEvents,
  checkMapEntry,
  ProofFailure,
  type Checkpoint,
  type MapProof,
  type ProvedEvent,
} from './proof-check';

/**
 * The signed map entry says how many events the stream had and where their hash chain ends; the
 * pages must then give exactly versions 1..k in order, each in the checkpoint's tree, and the
 * chain carried across them must end at that head. What the service says of its pages (`next`)
 * is not trusted: the next version to ask for is the one after the last checked.
 */
export class WholeStreamPages {
  private readonly entry: { readonly version: number; readonly head: string } | null;
  private checked = 0;
  private head = CHAIN_START;

  /** `proof` is the stream's map entry, from the first page; checked here before any event. */
  constructor(
    private readonly cp: Checkpoint,
    private readonly stream: string,
    proof: MapProof,
  ) {
    this.entry = checkMapEntry(cp, stream, proof);
  }

  /** Events the checkpoint records for the stream. */
  get total(): number {
    return this.entry?.version ?? 0;
  }

  /** The version the next page must start at, or null once all were checked. */
  get next(): number | null {
    return this.checked < this.total ? this.checked + 1 : null;
  }

  /** One page: its events next in order, none past the map entry's count, each in the tree; the chain carried on. */
  add(events: readonly ProvedEvent[]): void {
    const from = this.checked + 1;
    if (this.entry === null && events.length > 0)
      fail('映射称该流无事件，却给出了事件', 'the map says the stream has no events, yet events were given');
    // A page with nothing left to give would otherwise loop for ever.
    if (events.length === 0 && this.next !== null)
      fail(`服务未给出第 ${from} 版起的事件`, `the service gave no events from version ${from} of ${this.stream}`);
    if (events.some((e, i) => e.version !== from + i))
      fail(`该页的事件不是从第 ${from} 版起连续的`, `the page's events are not versions ${from}, ${from + 1}, … of ${this.stream}`);
    if (this.checked + events.length > this.total)
      fail(
        `检查点记该流有 ${this.total} 个事件，给出的更多`,
        `the checkpoint records ${this.total} events of ${this.stream}, more were given`,
      );
    checkEvents(this.cp, this.stream, events);
    this.head = chainOver(this.head, events);
    this.checked += events.length;
  }

  /** After the last page: every event of the map entry was given, and their chain ends at its head. */
  finish(): number {
    if (this.next !== null)
      fail(
        `检查点记该流有 ${this.total} 个事件，给出的是 ${this.checked} 个`,
        `the checkpoint records ${this.total} events of ${this.stream}, ${this.checked} were given`,
      );
    if (this.entry && this.head !== this.entry.head)
      fail('事件的哈希链与检查点记录的流头不符', "the events' hash chain does not end at the head the checkpoint records");
    return this.checked;
  }
}

/** One page of a whole-stream proof as the service answers it; the map entry comes with the first. */
export interface ProofPage {
  readonly events: ProvedEvent[];
  readonly mapProof: MapProof | null;
}

/**
 * A whole stream fetched and checked page after page: the first page's map entry, then each
 * page from the version after the last one checked, until the entry's count is reached and the
 * chain ends at its head. Returns how many events and pages.
 */
export async function proveByPages(
  cp: Checkpoint,
  stream: string,
  page: (fromVersion: number) => Promise<ProofPage>,
): Promise<{ count: number; pages: number }> {
  const first = await page(1);
  if (!first.mapProof) fail('服务未给出映射项', `the service gave no map entry for ${stream}`);
  const check = new WholeStreamPages(cp, stream, first.mapProof);
  check.add(first.events);
  let pages = 1;
  for (let from = check.next; from !== null; from = check.next) {
    check.add((await page(from)).events);
    pages += 1;
  }
  return { count: check.finish(), pages };
}

function fail(zh: string, en: string): never {
  throw new ProofFailure(zh, en);
}

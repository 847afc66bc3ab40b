import { campaignStream, type OrgPath } from '@vanguard/evaluation-domain';
import { fold, type Decider } from '@vanguard/kernel';
import type { ClockPort } from '../ports/clock.port';
import type { CycleDirectoryPort } from '../ports/cycle-directory.port';
import type { OrgTreePort } from '../ports/org-tree.port';
import { ConcurrentChangeError, type Loaded, type StreamContext, type StreamsPort } from '../ports/streams.port';

/** Streams in memory with the store's expected-version check, for handler specs. */
export class InMemoryStreams implements StreamsPort {
  readonly streams = new Map<string, { type: string; data: unknown }[]>();

  load<C, S, E>(streamId: string, decider: Decider<C, S, E>): Promise<Loaded<S>> {
    const events = (this.streams.get(streamId) ?? []) as unknown as E[];
    return Promise.resolve({ state: fold(decider, events), version: events.length });
  }

  append(streamId: string, events: readonly { type: string; data: unknown }[], expectedVersion: number, _: StreamContext): Promise<number> {
    const current = this.streams.get(streamId) ?? [];
    if (current.length !== expectedVersion) return Promise.reject(new ConcurrentChangeError(streamId));
    this.streams.set(streamId, [...current, ...events]);
    return Promise.resolve(current.length + events.length);
  }
}

/** The campaign planning a cycle, looked up in the in-memory streams as the SQL directory looks in the store's rows. */
export class InMemoryCycleDirectory implements CycleDirectoryPort {
  constructor(private readonly streams: InMemoryStreams) {}

  campaignOf(cycleId: string): Promise<string | null> {
    for (const [streamId, events] of this.streams.streams) {
      const plans = events.some((e) => e.type === 'evaluation.CyclePlanned' && (e.data as { cycleId?: unknown }).cycleId === cycleId);
      if (streamId.startsWith(campaignStream('')) && plans) return Promise.resolve(streamId.slice(campaignStream('').length));
    }
    return Promise.resolve(null);
  }
}

/** A tree given as child → parent, each organisation at the version given (0 unless said). */
export class InMemoryOrgTree implements OrgTreePort {
  constructor(
    private readonly parents: Record<string, string | null>,
    private readonly versions: Record<string, number> = {},
  ) {}

  async readPath(orgId: string): Promise<OrgPath | null> {
    const path = await this.pathOf(orgId);
    return path ? path.map((id) => ({ orgId: id, version: this.versions[id] ?? 0 })) : null;
  }

  pathOf(orgId: string): Promise<readonly string[] | null> {
    if (!(orgId in this.parents)) return Promise.resolve(null);
    const path: string[] = [];
    for (let id: string | null | undefined = orgId; id; id = this.parents[id]) path.unshift(id);
    return Promise.resolve(path);
  }

  isWithin(principalOrgId: string | undefined, orgId: string): boolean {
    for (let id: string | null | undefined = orgId; id; id = this.parents[id]) if (id === principalOrgId) return true;
    return false;
  }
}

export const fixedClock = (day: string): ClockPort => ({ now: () => new Date(`${day}T04:00:00Z`), today: () => day });

export const sequentialIds = (prefix = '00000000-0000-4000-8000-') => {
  let n = 0;
  return { next: () => `${prefix}${String(++n).padStart(12, '0')}` };
};

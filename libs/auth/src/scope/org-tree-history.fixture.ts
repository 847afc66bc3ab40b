import { createHash, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { OrgTreeProjection } from './org-tree.projection';

// A stand-in for the organization service when testing tree copies: it keeps the tree as
// the service does (a move rewrites the codes of the whole subtree, keeping each one's
// own segment) and records the events the service would publish, in the order it would,
// each at its own instant (a minute apart), with the tree as it stood after each.

export interface HistoryEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** When the service recorded it (UTC ISO-8601), as its envelope says; the history keeps it (a test's own event may go without). */
  readonly recordedAt?: string;
  readonly data: Record<string, unknown>;
}

/** The tree right after one event: the event's instant and each organisation's parent and status then. */
export interface TreeSnapshot {
  readonly at: string;
  readonly orgs: ReadonlyMap<string, { readonly parentId: string | null; readonly status: string }>;
}

export interface SourceOrg {
  readonly id: string;
  code: string;
  parentId: string | null;
  name: string;
  status: 'active' | 'merged' | 'dissolved';
  mergedIntoId: string | null;
  version: number;
}

/** Deterministic PRNG (the shared mulberry32), so a failing seed can be replayed. */
export { seededRandom as prng } from '@vanguard/testing';

export class OrgTreeHistory {
  readonly orgs = new Map<string, SourceOrg>();
  readonly events: HistoryEvent[] = [];
  readonly snapshots: TreeSnapshot[] = [];
  private clock = Date.parse('2011-01-01T00:00:00.000Z');

  constructor(private readonly random: () => number) {}

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length ? items[Math.floor(this.random() * items.length)] : undefined;
  }

  private emit(org: SourceOrg, type: string, data: Record<string, unknown>): void {
    org.version += 1;
    this.clock += 60_000;
    const recordedAt = new Date(this.clock).toISOString();
    this.events.push({
      eventId: randomUUID(),
      type: `organization.${type}`,
      streamId: `organization-${org.id}`,
      streamVersion: org.version,
      recordedAt,
      data: { organizationId: org.id, ...data },
    });
    const orgs = new Map([...this.orgs.values()].map((o) => [o.id, { parentId: o.parentId, status: o.status }]));
    this.snapshots.push({ at: recordedAt, orgs });
  }

  private active(): SourceOrg[] {
    return [...this.orgs.values()].filter((o) => o.status === 'active');
  }

  private isBelowOrSame(id: string, ancestorId: string): boolean {
    for (let c: string | null = id; c; c = this.orgs.get(c)!.parentId) if (c === ancestorId) return true;
    return false;
  }

  private codeTaken(code: string): boolean {
    return [...this.orgs.values()].some((o) => o.code === code);
  }

  register(parent: SourceOrg | null, code?: string): SourceOrg | undefined {
    const digits = () => String(Math.floor(this.random() * 90) + 10);
    const c = code ?? `${parent!.code}${digits()}`;
    if (this.codeTaken(c)) return undefined;
    const org: SourceOrg = {
      id: randomUUID(),
      code: c,
      parentId: parent?.id ?? null,
      name: `组织${c}`,
      status: 'active',
      mergedIntoId: null,
      version: 0,
    };
    this.orgs.set(org.id, org);
    this.emit(org, 'OrganizationRegistered', {
      code: c,
      name: org.name,
      level: parent ? 'village' : 'province',
      kind: 'branch',
      sector: 'rural',
      parentId: org.parentId,
      parentCode: parent?.code ?? null,
      temporary: false,
      establishedOn: '2011-01-01',
    });
    return org;
  }

  move(org: SourceOrg, to: SourceOrg): boolean {
    if (!org.parentId || to.id === org.parentId || this.isBelowOrSame(to.id, org.id)) return false;
    const currentParent = this.orgs.get(org.parentId)!;
    const previousCode = org.code;
    const code = to.code + org.code.slice(currentParent.code.length);
    const subtree = [...this.orgs.values()].filter((o) => this.isBelowOrSame(o.id, org.id));
    const rewritten = new Map(subtree.map((o) => [o.id, code + o.code.slice(previousCode.length)]));
    // The service's unique index on code refuses the move otherwise.
    for (const o of this.orgs.values()) if (!rewritten.has(o.id) && [...rewritten.values()].includes(o.code)) return false;
    for (const o of subtree) o.code = rewritten.get(o.id)!;
    const previousParentId = org.parentId;
    org.parentId = to.id;
    this.emit(org, 'OrganizationMoved', {
      parentId: to.id,
      previousParentId,
      parentCode: to.code,
      code,
      previousCode,
      movedOn: '2012-01-01',
    });
    return true;
  }

  private hasActiveChildren(org: SourceOrg): boolean {
    return [...this.orgs.values()].some((o) => o.parentId === org.id && o.status === 'active');
  }

  /** One random change the service would accept. */
  step(): void {
    const active = this.active();
    const nonRoot = active.filter((o) => o.parentId !== null);
    const roll = this.random();
    if (roll < 0.4 || nonRoot.length < 3) {
      this.register(this.pick(active)!);
    } else if (roll < 0.75) {
      const org = this.pick(nonRoot)!;
      this.move(org, this.pick(active)!);
    } else if (roll < 0.85) {
      const org = this.pick(active)!;
      const previousName = org.name;
      org.name = `${org.name}·${org.version}`;
      this.emit(org, 'OrganizationRenamed', { name: org.name, previousName });
    } else {
      const leaf = this.pick(nonRoot.filter((o) => !this.hasActiveChildren(o)));
      if (!leaf) return;
      if (roll < 0.92) {
        leaf.status = 'dissolved';
        this.emit(leaf, 'OrganizationDissolved', { dissolvedOn: '2013-01-01' });
      } else {
        const survivor = this.pick(active.filter((o) => o.id !== leaf.id));
        if (!survivor) return;
        leaf.status = 'merged';
        leaf.mergedIntoId = survivor.id;
        this.emit(leaf, 'OrganizationMerged', { survivingOrganizationId: survivor.id, mergedOn: '2013-01-01' });
      }
    }
  }

  /** The tree as the service holds it: what every copy must converge to. */
  expected(): {
    id: string;
    parent_id: string | null;
    code: string;
    path: string;
    status: string;
    merged_into_id: string | null;
    name: string;
  }[] {
    const pathOf = (id: string): string => {
      const ids: string[] = [];
      for (let c: string | null = id; c; c = this.orgs.get(c)!.parentId) ids.unshift(c);
      return `/${ids.join('/')}/`;
    };
    return [...this.orgs.values()]
      .map((o) => ({
        id: o.id,
        parent_id: o.parentId,
        code: o.code,
        path: pathOf(o.id),
        status: o.status,
        merged_into_id: o.mergedIntoId,
        name: o.name,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

/** Each organisation's path (`/<root>/…/<self>/`) in a snapshot of the tree. */
export function pathsIn(snapshot: TreeSnapshot): Map<string, string> {
  const pathOf = (id: string): string => {
    const ids: string[] = [];
    for (let c: string | null = id; c; c = snapshot.orgs.get(c)!.parentId) ids.unshift(c);
    return `/${ids.join('/')}/`;
  };
  return new Map([...snapshot.orgs.keys()].map((id) => [id, pathOf(id)]));
}

/**
 * A delivery order Kafka could produce: each organisation's events in their order (one key,
 * one partition), organisations interleaved at random, and some events delivered again
 * later (a consumer that restarts before committing its offset).
 */
export function shuffledDelivery(events: readonly HistoryEvent[], random: () => number, redeliveries = 0): HistoryEvent[] {
  const queues = new Map<string, HistoryEvent[]>();
  for (const e of events) queues.set(e.streamId, [...(queues.get(e.streamId) ?? []), e]);
  const open = [...queues.values()];
  const out: HistoryEvent[] = [];
  while (open.length) {
    const i = Math.floor(random() * open.length);
    out.push(open[i]!.shift()!);
    if (open[i]!.length === 0) open.splice(i, 1);
  }
  for (let n = 0; n < redeliveries; n++) {
    const from = Math.floor(random() * out.length);
    const at = from + 1 + Math.floor(random() * (out.length - from));
    out.splice(at, 0, out[from]!);
  }
  return out;
}

/** The partition a stream's events go to, as a keyed topic spreads them. */
export const partitionOf = (streamId: string, partitions: number): number =>
  createHash('sha1').update(streamId).digest().readUInt32BE(0) % partitions;

/** One partition's events applied as a consumer does: in order, in small committed batches of random size. */
export async function applyInBatches(
  sut: OrgTreeProjection,
  client: PoolClient,
  events: HistoryEvent[],
  random: () => number,
): Promise<void> {
  for (let i = 0; i < events.length;) {
    const batch = events.slice(i, (i += 1 + Math.floor(random() * 3)));
    await client.query('begin');
    try {
      for (const e of batch) await sut.apply(client, e);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback');
      throw e;
    }
  }
}

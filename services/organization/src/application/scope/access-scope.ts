import { isWithinScope as ruleHolds, type ScopeNode } from '@vanguard/auth';
import type { Actor } from '../ports/actor';
import { OutOfScopeError } from './out-of-scope.error';

/** What a check needs of the organisation acted on: both the aggregate and the read model's view have it. */
export interface ScopeTarget {
  readonly id: string;
  /** Ids from the root down to the organisation itself. */
  readonly path: readonly string[];
  readonly status: string;
  readonly mergedIntoId: string | null;
}

/** An organisation's scope facts as its row holds them. */
export interface ScopeFact extends ScopeNode {
  readonly path: readonly string[];
}

/** Reads the scope facts of organisations by id, from the organization service's own table. */
export interface ScopeFacts {
  scopeFacts(ids: readonly string[]): Promise<ReadonlyMap<string, ScopeFact>>;
}

/**
 * The rule is the platform's one (`isWithinScope` of @vanguard/auth, ADR 0010): a token
 * naming a dissolved or merged organisation grants no scope, and a merged organisation
 * counts as below its survivor. Only the facts come from here.
 *
 * An active target needs no read: nothing active lies below a ceased organisation (an
 * organisation ceases only without active children, and takes new ones only while active,
 * both under its row lock), so its path is all active and its parent links are the path.
 * A ceased target reads the rows of its path, the caller's organisation and its
 * survivors, which is rare.
 */
export async function isWithinScope(actor: Actor, target: ScopeTarget, facts: ScopeFacts): Promise<boolean> {
  const nodes = new Map<string, ScopeNode>();
  target.path.forEach((id, i) => nodes.set(id, { parentId: target.path[i - 1] ?? null, status: 'active', mergedIntoId: null }));
  nodes.set(target.id, { parentId: target.path.at(-2) ?? null, status: target.status, mergedIntoId: target.mergedIntoId });
  if (target.status !== 'active') await readCeased(actor, target, facts, nodes);
  return ruleHolds(actor.orgId, target.id, (id) => nodes.get(id));
}

export async function assertWithinScope(actor: Actor, target: ScopeTarget, facts: ScopeFacts): Promise<void> {
  if (!(await isWithinScope(actor, target, facts))) throw new OutOfScopeError(target.id);
}

/** Survivors can have merged on in turn; a few rounds cover any real chain, and a corrupted one fails closed. */
const MAX_ROUNDS = 8;

/** Reads the caller's organisation, the target's path and, for a merger, the survivor and its path, until closed. */
async function readCeased(actor: Actor, target: ScopeTarget, facts: ScopeFacts, nodes: Map<string, ScopeNode>): Promise<void> {
  nodes.clear();
  let wanted = [...new Set([...target.path, ...(actor.orgId ? [actor.orgId] : [])])];
  for (let round = 0; round < MAX_ROUNDS && wanted.length > 0; round++) {
    const found = await facts.scopeFacts(wanted);
    for (const [id, fact] of found) nodes.set(id, fact);
    const next = new Set<string>();
    for (const fact of found.values()) {
      for (const id of fact.path) if (!nodes.has(id)) next.add(id);
      if (fact.status === 'merged' && fact.mergedIntoId && !nodes.has(fact.mergedIntoId)) next.add(fact.mergedIntoId);
    }
    wanted = [...next].filter((id) => !wanted.includes(id));
  }
}

import type { CountyScope } from '@vanguard/county-inbound';
import { isWithinScope, type ScopeFact, type ScopeTarget } from '../../application/scope/access-scope';
import { readScopeFacts } from '../persistence/scope-facts.sql';

type Query = <T>(sql: string, params: unknown[]) => Promise<T>;

/**
 * CountyScope from the organization service's own tree (it owns the tree): the platform's one
 * rule (`isWithinScope`, ADR 0010) over the organisations table. The gate asks once per
 * message, so facts are kept for `ttlMs` and the misses of one tick are read in ONE statement:
 * a batch of thousands of messages naming a few hundred branches costs a read or two. An
 * organisation moved to another county is seen by county messages within `ttlMs`.
 */
export class TreeCountyScope {
  private readonly facts = new Map<string, { fact: ScopeFact | null; at: number }>();
  private wanted: Map<string, { resolve: (f: ScopeFact | null) => void; reject: (e: unknown) => void }[]> | null = null;

  constructor(
    private readonly query: Query,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  readonly within: CountyScope = async (countyOrgId, orgId) => {
    const fact = await this.fact(orgId);
    if (!fact) return false;
    const target: ScopeTarget = { id: orgId, path: fact.path, status: fact.status, mergedIntoId: fact.mergedIntoId };
    const actor = { sub: 'county', username: 'county', roles: ['county_system'], orgId: countyOrgId, kind: 'service' as const };
    return isWithinScope(actor, target, { scopeFacts: (ids) => readScopeFacts(this.query, ids) });
  };

  private fact(id: string): Promise<ScopeFact | null> {
    const hit = this.facts.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return Promise.resolve(hit.fact);
    return new Promise((resolve, reject) => {
      if (!this.wanted) {
        this.wanted = new Map();
        setImmediate(() => void this.flush());
      }
      this.wanted.set(id, [...(this.wanted.get(id) ?? []), { resolve, reject }]);
    });
  }

  private async flush(): Promise<void> {
    const wanted = this.wanted!;
    this.wanted = null;
    try {
      const found = await readScopeFacts(this.query, [...wanted.keys()]);
      const at = this.now();
      if (this.facts.size > 100_000) this.facts.clear();
      for (const [id, waiters] of wanted) {
        const fact = found.get(id) ?? null;
        this.facts.set(id, { fact, at });
        for (const w of waiters) w.resolve(fact);
      }
    } catch (e) {
      // Not an answer: the gate's batch fails and is retried, never refused for an unreadable tree.
      for (const waiters of wanted.values()) for (const w of waiters) w.reject(e);
    }
  }
}

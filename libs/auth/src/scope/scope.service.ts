import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';
import type { Principal } from '../principal';
import type { OrgTreeChange } from './org-tree.projection';
import { DEFAULT_ORG_TREE_TABLE, type OrgTreeTableOptions } from './org-tree.schema';

/** Deeper than any real tree (province → … → branch is 6–7): stops a corrupted cycle. */
const MAX_DEPTH = 64;

/**
 * Answers "may this principal act on that organisation?" from memory: an id → parent map
 * loaded from the local org_tree and kept current by the consumer, so a check is a few
 * map lookups (well under a microsecond) and never a call to the organization service.
 *
 * A principal acts inside the subtree of the organisation in its token (`org_id`); county
 * system clients carry their county there, which holds them to it. Unknown organisations
 * and principals without `org_id` are outside every scope (fail closed).
 */
export class ScopeService {
  private readonly parents = new Map<string, string | null>();
  private readonly t: string;

  constructor(options: OrgTreeTableOptions = {}) {
    this.t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
  }

  /** (Re)loads the whole tree from the table; call at start-up. */
  async load(db: SqlExecutor): Promise<number> {
    const res = (await db.query(`select id, parent_id from ${this.t}`)) as
      { rows?: { id: string; parent_id: string | null }[] } | { id: string; parent_id: string | null }[];
    const rows = Array.isArray(res) ? res : (res.rows ?? []);
    this.parents.clear();
    for (const r of rows) this.parents.set(r.id, r.parent_id);
    return rows.length;
  }

  /** Keeps memory in step with a projected event. */
  applyChange(change: OrgTreeChange): void {
    if (change.kind === 'upsert') this.parents.set(change.id, change.parentId);
  }

  get size(): number {
    return this.parents.size;
  }

  /** True when `orgId` is `ancestorId` or lies below it. */
  isBelowOrSame(orgId: string, ancestorId: string): boolean {
    let current: string | null | undefined = orgId;
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      if (current === ancestorId) return true;
      current = this.parents.get(current);
    }
    return false;
  }

  isWithin(principal: Pick<Principal, 'orgId'>, orgId: string): boolean {
    return principal.orgId !== undefined && this.isBelowOrSame(orgId, principal.orgId);
  }
}

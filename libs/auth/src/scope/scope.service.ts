import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';
import type { Principal } from '../principal';
import type { OrgTreeChange } from './org-tree.projection';
import { DEFAULT_ORG_TREE_TABLE, type OrgTreeTableOptions } from './org-tree.schema';

/** Deeper than any real tree (province → … → branch is 6–7): stops a corrupted cycle. */
const MAX_DEPTH = 64;

interface OrgNode {
  readonly parentId: string | null;
  readonly status: string;
  readonly mergedIntoId: string | null;
}

/**
 * Answers "may this principal act on that organisation?" from memory: an id → parent map
 * loaded from the local org_tree and kept current by the consumer, so a check is a few
 * map lookups (well under a microsecond) and never a call to the organization service.
 *
 * A principal acts inside the subtree of the organisation in its token (`org_id`); county
 * system clients carry their county there, which holds them to it. Unknown organisations
 * and principals without `org_id` are outside every scope (fail closed). An organisation
 * that has ceased (dissolved or merged) grants no scope to tokens that still name it, and
 * a merged organisation, with whatever was below it, counts as below its survivor
 * (ADR 0010).
 */
export class ScopeService {
  private readonly nodes = new Map<string, OrgNode>();
  private readonly t: string;

  constructor(options: OrgTreeTableOptions = {}) {
    this.t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
  }

  /** (Re)loads the whole tree from the table; call at start-up. */
  async load(db: SqlExecutor): Promise<number> {
    type Row = { id: string; parent_id: string | null; status: string; merged_into_id: string | null };
    const res = (await db.query(`select id, parent_id, status, merged_into_id from ${this.t}`)) as { rows?: Row[] } | Row[];
    const rows = Array.isArray(res) ? res : (res.rows ?? []);
    this.nodes.clear();
    for (const r of rows) this.nodes.set(r.id, { parentId: r.parent_id, status: r.status, mergedIntoId: r.merged_into_id });
    return rows.length;
  }

  /** Keeps memory in step with a projected event. */
  applyChange(change: OrgTreeChange): void {
    if (change.kind === 'upsert') {
      this.nodes.set(change.id, { parentId: change.parentId, status: change.status, mergedIntoId: change.mergedIntoId ?? null });
    } else if (change.kind === 'status') {
      const node = this.nodes.get(change.id);
      if (node) this.nodes.set(change.id, { ...node, status: change.status, mergedIntoId: change.mergedIntoId ?? node.mergedIntoId });
    }
  }

  get size(): number {
    return this.nodes.size;
  }

  /** True when `orgId` is `ancestorId` or lies below it (a merged organisation lies below its survivor). */
  isBelowOrSame(orgId: string, ancestorId: string): boolean {
    let current: string | null | undefined = orgId;
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      if (current === ancestorId) return true;
      const node = this.nodes.get(current);
      current = node?.status === 'merged' && node.mergedIntoId ? node.mergedIntoId : node?.parentId;
    }
    return false;
  }

  isWithin(principal: Pick<Principal, 'orgId'>, orgId: string): boolean {
    if (principal.orgId === undefined || this.nodes.get(principal.orgId)?.status !== 'active') return false;
    return this.isBelowOrSame(orgId, principal.orgId);
  }
}

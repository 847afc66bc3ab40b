import type { SqlExecutor } from '@vanguard/messaging';
import { orgTreeHistoryTable, type OrgTreeTableOptions } from './org-tree.schema';

// Writing and reading the history of a tree copy (ADR 0081); its table is in org-tree.schema.ts.

export type OrgTreeFact =
  | { readonly fact: 'parent'; readonly parentId: string | null }
  | { readonly fact: 'status'; readonly status: string; readonly mergedIntoId?: string | null };

/**
 * Records the facts one event set, at `recordedAt` (an event without an instant — a bootstrap
 * snapshot's — holds since ever). Called by the projection in its applying transaction.
 */
export async function recordOrgTreeFacts(
  db: SqlExecutor,
  table: string,
  id: string,
  version: number,
  recordedAt: string | null,
  facts: readonly OrgTreeFact[],
): Promise<void> {
  for (const f of facts)
    await db.query(
      `insert into ${table} (id, fact, version, parent_id, status, merged_into_id, valid_from)
       values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, '-infinity'))
       on conflict do nothing`,
      [
        id,
        f.fact,
        version,
        f.fact === 'parent' ? f.parentId : null,
        f.fact === 'status' ? f.status : null,
        f.fact === 'status' ? (f.mergedIntoId ?? null) : null,
        recordedAt,
      ],
    );
}

/** Deeper than any real tree; stops a cycle a history missing a late fact could form. */
const MAX_DEPTH = 64;

/**
 * The organisations as they stood at `at` (inclusive): each one's parent and status from its
 * newest fact of each kind recorded by then. Organisations registered later are absent.
 */
function nodesAt(h: string): string {
  return `facts as (
      select distinct on (id, fact) id, fact, parent_id, status, merged_into_id
        from ${h} where valid_from <= $1::timestamptz
       order by id, fact, version desc),
    nodes as (
      select p.id, p.parent_id, coalesce(s.status, 'active') as status, s.merged_into_id
        from facts p left join facts s on s.id = p.id and s.fact = 'status'
       where p.fact = 'parent')`;
}

export interface OrgTreeNodeAt {
  readonly id: string;
  readonly parentId: string | null;
  readonly status: string;
  readonly mergedIntoId: string | null;
  /** `/<root>/…/<self>/` down the parents of the instant; null when an ancestor was not known then. */
  readonly path: string | null;
}

/** The whole tree as it stood at `at`. */
export async function orgTreeAt(db: SqlExecutor, at: string, options: OrgTreeTableOptions = {}): Promise<OrgTreeNodeAt[]> {
  const rows = rowsOf<{ id: string; parent_id: string | null; status: string; merged_into_id: string | null; path: string | null }>(
    await db.query(
      `with recursive ${nodesAt(orgTreeHistoryTable(options))},
       down(id, path, depth) as (
         select id, '/' || id::text || '/', 1 from nodes where parent_id is null
         union all
         select n.id, down.path || n.id::text || '/', down.depth + 1
           from nodes n join down on n.parent_id = down.id
          where down.depth < ${MAX_DEPTH})
       select n.id, n.parent_id, n.status, n.merged_into_id, down.path
         from nodes n left join down on down.id = n.id
        order by n.id`,
      [at],
    ),
  );
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, status: r.status, mergedIntoId: r.merged_into_id, path: r.path }));
}

/**
 * `orgId` and every organisation below it as the tree stood at `at` (ceased ones included: their
 * streams are still history); empty when `orgId` was not registered by then.
 */
export async function idsBelowOrSameAt(db: SqlExecutor, orgId: string, at: string, options: OrgTreeTableOptions = {}): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.query(
      `with recursive ${nodesAt(orgTreeHistoryTable(options))},
       sub(id, seen) as (
         select id, array[id] from nodes where id = $2::uuid
         union all
         select n.id, sub.seen || n.id from nodes n join sub on n.parent_id = sub.id
          where not n.id = any(sub.seen) and cardinality(sub.seen) < ${MAX_DEPTH})
       select id from sub order by id`,
      [at, orgId],
    ),
  );
  return rows.map((r) => r.id);
}

function rowsOf<T>(res: unknown): T[] {
  return Array.isArray(res) ? (res as T[]) : ((res as { rows?: T[] }).rows ?? []);
}

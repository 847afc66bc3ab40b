import type { Pool } from 'pg';

/**
 * Up to this many organisations a subtree's ids are passed as an array, so the planner knows
 * how few they are and probes `rpt_fact_org_day_idx` / `rpt_member_org_idx` per organisation
 * (a county: 541 of 150,118). Larger subtrees are most of the tree, where one scan is cheaper
 * than that many probes, so they keep the join on the path (GIN `rpt_org_path_idx`).
 */
export const PROBE_LIMIT = 5_000;

/**
 * The organisations under a root as SQL, the same set either way: `param` is bound to `$1`,
 * `orgIn(column)` says "this org id column is in the subtree", `orgRow(alias)` says it of an
 * `rpt_org` row. `probed` when ids are passed: a join to `rpt_org` does not carry `= any` over
 * to the other side, so a fact or member table needs `orgIn` of its own to use its index.
 */
export interface Subtree {
  readonly param: string | string[];
  readonly probed: boolean;
  orgIn(column: string): string;
  orgRow(alias: string): string;
}

export async function subtreeOf(pool: Pick<Pool, 'query'>, rootId: string): Promise<Subtree> {
  const r = await pool.query<{ id: string }>('select id from rpt_org where path @> array[$1::uuid] limit $2', [rootId, PROBE_LIMIT + 1]);
  if (r.rows.length > PROBE_LIMIT) {
    return {
      param: rootId,
      probed: false,
      orgIn: (c) => `${c} in (select s.id from rpt_org s where s.path @> array[$1::uuid])`,
      orgRow: (a) => `${a}.path @> array[$1::uuid]`,
    };
  }
  // The root first (it is in its own path, if known at all): `rpt_org` rows are still found
  // through the path's GIN index, which beats matching every row against the array.
  const ids = r.rows.some((x) => x.id === rootId) ? [rootId, ...r.rows.filter((x) => x.id !== rootId).map((x) => x.id)] : [];
  return {
    param: ids,
    probed: true,
    orgIn: (c) => `${c} = any($1::uuid[])`,
    orgRow: (a) => `${a}.path @> array[($1::uuid[])[1]]`,
  };
}

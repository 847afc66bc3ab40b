import type { PoolClient } from 'pg';
import type { RowError } from '../../application/roster/roster-format';

/** A row of a batch and the organisation it writes under, as the import read it at its start. */
export interface ImportTarget {
  readonly row: number;
  readonly orgId: string;
  readonly code: string;
  readonly column: string;
  /** The organisation's path as the import read it: a member's organisation, or the parent an organisation import builds on. */
  readonly path: string;
}

/**
 * Locks the organisations a batch of a real import writes under, `for share` in id order (as
 * enrolment does), on the import's transaction, and answers the rows whose organisation ceased
 * (dissolved, merged) or moved since the import read its subtree. A dissolution, merger or move
 * that committed first is seen here and the rows are refused (the import then rolls back); one
 * that comes later waits for the import and then sees its members (a dissolution refuses, a
 * merger moves them). So no import leaves an active member or organisation under a ceased one,
 * nor writes under an organisation a move took out of the caller's subtree (ADR 0112).
 */
export async function lockImportTargets(client: PoolClient, targets: readonly ImportTarget[]): Promise<RowError[]> {
  if (!targets.length) return [];
  const ids = [...new Set(targets.map((t) => t.orgId))].sort();
  const { rows } = await client.query<{ id: string; status: string; path: string }>(
    `select id, status, path from organizations where id = any($1::uuid[]) order by id for share`,
    [ids],
  );
  const now = new Map(rows.map((r) => [r.id, r]));
  const errors: RowError[] = [];
  for (const t of targets) {
    const org = now.get(t.orgId);
    if (!org || org.status !== 'active')
      errors.push({ row: t.row, column: t.column, reason: `组织 ${t.code} 已撤销或合并 / organisation ${t.code} is no longer active` });
    else if (org.path !== t.path)
      errors.push({
        row: t.row,
        column: t.column,
        reason: `组织 ${t.code} 在导入期间被移动，请重新导入 / organisation ${t.code} was moved during the import; import again`,
      });
  }
  return errors;
}

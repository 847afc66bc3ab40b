import type { ScopeFact } from '../../application/scope/access-scope';
import { fromPath } from './organization.mapper';

type Query = <T>(sql: string, params: unknown[]) => Promise<T>;

/** Scope facts of organisations by id: one indexed read, used only when a target has ceased. */
export async function readScopeFacts(query: Query, ids: readonly string[]): Promise<ReadonlyMap<string, ScopeFact>> {
  const rows = await query<{ id: string; parent_id: string | null; status: string; merged_into_id: string | null; path: string }[]>(
    `select id, parent_id, status, merged_into_id, path from organizations where id = any($1::uuid[])`,
    [ids],
  );
  return new Map(
    rows.map((r) => [r.id, { parentId: r.parent_id, status: r.status, mergedIntoId: r.merged_into_id, path: fromPath(r.path) }]),
  );
}

import type { Pool } from 'pg';

export interface PageQuery {
  /** The selected columns, without `select`. */
  readonly columns: string;
  /** `from … [join …] where …`: what is counted and paged. */
  readonly from: string;
  readonly orderBy: string;
}

/**
 * A page and the total it belongs to, from one statement: the projections keep writing, and a
 * page and a count taken as two queries disagreed (a total below the items on the page) when a
 * row landed between them. The total rides on every row (`count(*) over ()`); only a page past
 * the end, which has no row to carry it, asks for the count on its own.
 */
export async function pageWithTotal<R extends object>(
  pool: Pool,
  q: PageQuery,
  params: readonly unknown[],
  page: { readonly limit: number; readonly offset: number },
): Promise<{ rows: R[]; total: number }> {
  const n = params.length;
  const { rows } = await pool.query<R & { page_total: string }>(
    `select ${q.columns}, count(*) over () as page_total ${q.from} order by ${q.orderBy} limit $${n + 1} offset $${n + 2}`,
    [...params, page.limit, page.offset],
  );
  if (rows.length || page.offset === 0) return { rows, total: Number(rows[0]?.page_total ?? 0) };
  const counted = await pool.query<{ n: string }>(`select count(*) as n ${q.from}`, [...params]);
  return { rows: [], total: Number(counted.rows[0]?.n ?? 0) };
}

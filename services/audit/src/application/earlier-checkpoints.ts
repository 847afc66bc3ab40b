import type { Pool } from 'pg';
import { AuditRefusal } from './audit-refusal';

/** A checkpoint the service published (`audit.log_checkpoints`, ADR 0041/0063): its size and its signed note, as published. */
export interface EarlierCheckpoint {
  readonly size: number;
  readonly note: string;
}

/** The latest published checkpoints a bundle carries by default, besides the spread over history. */
export const LATEST_EARLIER = 4;
/** Sizes an auditor may name in one export (`earlier=<size>`, repeatable). */
export const MAX_NAMED_EARLIER = 32;

/** The `earlier` query parameter: sizes of published checkpoints, or undefined when none was named. */
export function earlierSizes(raw: unknown): number[] | undefined {
  if (raw === undefined) return undefined;
  const given = Array.isArray(raw) ? raw : [raw];
  if (given.length > MAX_NAMED_EARLIER)
    throw AuditRefusal.invalid('earlier', `最多 ${MAX_NAMED_EARLIER} 个 / at most ${MAX_NAMED_EARLIER} earlier checkpoints`);
  return [
    ...new Set(
      given.map((s) => {
        if (typeof s !== 'string' || !/^[1-9][0-9]{0,15}$/.test(s) || !Number.isSafeInteger(Number(s)))
          throw AuditRefusal.invalid('earlier', '须为已发布检查点的树大小 / the tree size of a published checkpoint');
        return Number(s);
      }),
    ),
  ].sort((a, b) => a - b);
}

/**
 * The earlier checkpoints an evidence bundle of `store` at `size` carries, oldest first, each as
 * it was published — never signed again now: after the owner rewrote the store and the service
 * rebuilt its log, a note signed now would carry the new root and prove nothing (ADR 0070).
 *
 * Named sizes: exactly those (each must have been published, at or below `size`). Otherwise a
 * bounded default: the LATEST_EARLIER latest published, the latest at or below each of size/2,
 * size/4, … (one per halving, so a rewrite of any older part of the history meets a checkpoint
 * taken before it with at most ~log₂ size + 5 notes), and the first one ever published.
 * `pool` must read `audit.log_checkpoints` (the service role's pool, not the reader's).
 */
export async function earlierCheckpoints(pool: Pool, store: string, size: number, named?: readonly number[]): Promise<EarlierCheckpoint[]> {
  if (named !== undefined) {
    const over = named.find((n) => n > size);
    if (over !== undefined)
      throw AuditRefusal.invalid('earlier', `${over} 大于本次检查点 ${size} / ${over} is beyond this export's checkpoint of size ${size}`);
    const { rows } = await pool.query<{ size: string; note: string }>(
      `select size, note from audit.log_checkpoints where store = $1 and size = any($2::bigint[]) order by size`,
      [store, named],
    );
    const missing = named.filter((n) => !rows.some((r) => Number(r.size) === n));
    if (missing.length > 0) throw AuditRefusal.notFound(`published checkpoints of size ${missing.join(', ')} of ${store}`);
    return rows.map((r) => ({ size: Number(r.size), note: r.note }));
  }
  const bounds: number[] = [];
  for (let b = Math.floor(size / 2); b >= 1; b = Math.floor(b / 2)) bounds.push(b);
  const { rows } = await pool.query<{ size: string; note: string }>(
    `(select size, note from audit.log_checkpoints where store = $1 and size between 1 and $2 order by size desc limit ${LATEST_EARLIER})
     union
     (select c.size, c.note from unnest($3::bigint[]) as b(bound)
        cross join lateral (select size, note from audit.log_checkpoints
                             where store = $1 and size between 1 and b.bound order by size desc limit 1) c)
     union
     (select size, note from audit.log_checkpoints where store = $1 and size between 1 and $2 order by size limit 1)
     order by size`,
    [store, size, bounds],
  );
  return rows.map((r) => ({ size: Number(r.size), note: r.note }));
}

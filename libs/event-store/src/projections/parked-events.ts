import type { RecordedEvent } from '../types';
import type { Queryable, ReadModel } from './read-model';

/**
 * SQLSTATEs that say this event's values cannot be stored, whenever it is tried: a string too long
 * (22001), a number out of range (22003), a date or time that does not parse or exists in no
 * calendar (22007, 22008), text the database cannot hold (22021, 22P05), an index row too large
 * (54000). Nothing else is parked (ADR 0090): a constraint violation (23…) or a value of the wrong
 * form for its column (22P02) is as likely a read model's bug after a deploy, and parking would
 * skip every event; a lost connection, a deadlock or a missing table says nothing about the event.
 */
const UNSTORABLE = new Set(['22001', '22003', '22007', '22008', '22021', '22P05', '54000']);

export function isUnstorable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNSTORABLE.has(code);
}

/**
 * The database's refusal as kept: its SQLSTATE, and its message cut short with every value it
 * quotes left out. A parked row outlives `forget` (it is the record), so it must hold no value of
 * the event: Postgres quotes the value it refused (`invalid input syntax for type date: "…"`,
 * `value "…" is out of range`).
 */
export interface ParkReason {
  readonly code: string;
  readonly message: string;
}

const MESSAGE_LIMIT = 120;

export function parkReason(e: unknown): ParkReason {
  const code = String((e as { code?: unknown } | null)?.code);
  const message = (e instanceof Error ? e.message : String(e)).replace(/"[^"]*"?/g, '"…"');
  return { code, message: message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message };
}

/**
 * A store's record of events a read model could not store (`projection_parked_events`): the read
 * model skips the event and goes on, instead of every read model of the service stopping on it
 * for ever. A rebuild after the fix applies it again; a parked row stays as the record.
 */
export class ParkedEvents {
  constructor(private readonly schema: string) {}

  async ensureTable(db: Queryable): Promise<void> {
    await db.query(
      `create table if not exists "${this.schema}".projection_parked_events (
         projection text not null, event_id uuid not null, stream_id text not null, type text not null,
         code text not null, reason text not null, parked_at timestamptz not null default now(),
         primary key (projection, event_id))`,
    );
  }

  /**
   * After a rebuild of `projections`: only the events it parked again stay recorded for them. The
   * rebuilt tables hold every other event, and a read that refuses while any is parked (ADR 0090)
   * would otherwise refuse for good.
   */
  async keepOnly(db: Queryable, projections: readonly string[], kept: readonly { projection: string; eventId: string }[]): Promise<void> {
    await db.query(
      `delete from "${this.schema}".projection_parked_events p
        where p.projection = any($1::text[])
          and not exists (select 1 from unnest($2::text[], $3::uuid[]) as k(projection, event_id)
                           where k.projection = p.projection and k.event_id = p.event_id)`,
      [projections, kept.map((k) => k.projection), kept.map((k) => k.eventId)],
    );
  }

  /** Takes back these rows (a rebuild that failed after its pages recorded them). */
  async forget(db: Queryable, rows: readonly { projection: string; eventId: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `delete from "${this.schema}".projection_parked_events p
        using unnest($1::text[], $2::uuid[]) as k(projection, event_id)
        where p.projection = k.projection and p.event_id = k.event_id`,
      [rows.map((r) => r.projection), rows.map((r) => r.eventId)],
    );
  }

  /** Whether it was parked now: a page that comes again after a later failure parks its events once. */
  async park(db: Queryable, projection: string, event: RecordedEvent, reason: ParkReason): Promise<boolean> {
    const r = await db.query(
      `insert into "${this.schema}".projection_parked_events (projection, event_id, stream_id, type, code, reason)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning 1`,
      [projection, event.eventId, event.streamId, event.type, reason.code, reason.message],
    );
    return r.rows.length !== 0;
  }
}

/**
 * Applies a page to one read model. When the database refuses the page for an event's values,
 * the page goes again one event at a time: each event it refuses is handed to `park` and the rest
 * are applied (read models are idempotent, so events already applied change nothing). Any other
 * failure is thrown, for the page to come again. `attempt` runs each try (a savepoint inside a
 * rebuild's transaction, so a refusal does not abort it).
 */
export async function applyOrPark(
  readModel: ReadModel,
  events: readonly RecordedEvent[],
  park: (event: RecordedEvent, reason: ParkReason) => Promise<void>,
  attempt: (work: () => Promise<void>) => Promise<void> = (work) => work(),
): Promise<void> {
  const apply = async (page: readonly RecordedEvent[]) => {
    if (readModel.applyBatch) await readModel.applyBatch(page);
    else for (const e of page) await readModel.apply(e);
  };
  try {
    await attempt(() => apply(events));
    return;
  } catch (e) {
    if (!isUnstorable(e)) throw e;
  }
  for (const event of events) {
    try {
      await attempt(() => apply([event]));
    } catch (e) {
      if (!isUnstorable(e)) throw e;
      await park(event, parkReason(e));
    }
  }
}

import type { RecordedEvent } from '../types';
import type { Queryable, ReadModel } from './read-model';

/**
 * SQLSTATEs that say this event's values cannot be stored by this read model, whenever it is
 * tried: data exceptions (22: a date past the range, text with NUL, a number too large), integrity
 * violations (23) except a foreign key (23503, which another read model applied in parallel may
 * yet satisfy), and program limits (54: an index row too large). Anything else (a lost
 * connection, a deadlock, a table a deploy has not created yet, a bug in the read model) says
 * nothing about the event and is retried as before (ADR 0090).
 */
export function isUnstorable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  return code.startsWith('22') || code.startsWith('54') || (code.startsWith('23') && code !== '23503');
}

/** The database's refusal as kept: its SQLSTATE, and its message cut short (a value it quotes may be personal data). */
export interface ParkReason {
  readonly code: string;
  readonly message: string;
}

const MESSAGE_LIMIT = 120;

export function parkReason(e: unknown): ParkReason {
  const code = String((e as { code?: unknown } | null)?.code);
  const message = e instanceof Error ? e.message : String(e);
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

import { InvalidEventError, type ExpectedVersion } from './errors';
import type { AppendRequest } from './group-commit';
import { canonicalPartsFor } from './hash-chain';
import { encryptPersonal, type SubjectKey } from './personal-data';
import type { AppendContext, IdGenerator, NewEvent } from './types';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function expectedToSql(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) throw new InvalidEventError(`expectedVersion ${String(expected)} is not valid`);
  return expected;
}

/**
 * Years 0001 to 9999: JavaScript writes years past them with a sign and six digits, and
 * Postgres has no year 0; it would refuse either deep inside the append's statement.
 */
const STORABLE_YEAR = /^(?!0000)\d{4}-/;

export function toIso(t: string | Date): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) throw new InvalidEventError(`not a timestamp: ${String(t)}`);
  const iso = d.toISOString();
  if (!STORABLE_YEAR.test(iso)) throw new InvalidEventError(`${String(t)} is outside the years 0001 to 9999`);
  return iso;
}

export interface AppendInput {
  readonly streamId: string;
  readonly category: string;
  readonly expected: number | null;
  readonly events: readonly NewEvent[];
  readonly ctx: AppendContext;
  readonly recordedAt: string;
  readonly ids: IdGenerator;
  /** The keys of the subjects of the events' personal values; null: they have none. */
  readonly keys: Map<string, SubjectKey> | null;
}

/**
 * An append as the database functions take it: each event checked, its personal values
 * encrypted, and its canonical text split around the stream version the database assigns.
 */
export function appendRequest({ streamId, category, expected, events, ctx, recordedAt, ids, keys }: AppendInput): AppendRequest {
  const heads = new Array<string>(events.length);
  const tails = new Array<string>(events.length);
  const eventIds = new Array<string>(events.length);
  const partsOf = canonicalPartsFor({
    actor: ctx.actor,
    causationId: ctx.causationId ?? null,
    correlationId: ctx.correlationId,
    orgId: ctx.orgId,
    recordedAt,
    streamId,
  });
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (typeof e.type !== 'string' || e.type.length === 0) throw new InvalidEventError(`append: event ${i} has no type`);
    const version = e.version ?? 1;
    if (!Number.isInteger(version) || version < 1) throw new InvalidEventError(`append: ${e.type} version must be a positive integer`);
    const eventId = (e.eventId ?? ids()).toLowerCase();
    if (!UUID.test(eventId)) throw new InvalidEventError(`append: eventId ${eventId} is not a uuid`);
    eventIds[i] = eventId;
    const parts = partsOf({
      eventId,
      type: e.type,
      version,
      occurredAt: e.occurredAt === undefined ? recordedAt : toIso(e.occurredAt),
      data: keys ? encryptPersonal(e.data, keys) : e.data,
      ...(e.metadata == null ? {} : { metadata: keys ? (encryptPersonal(e.metadata, keys) as NewEvent['metadata']) : e.metadata }),
    });
    heads[i] = parts.head;
    tails[i] = parts.tail;
  }
  return { streamId, category, expected, heads, tails, eventIds };
}

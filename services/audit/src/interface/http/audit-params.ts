import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { StorableTextPipe } from '@vanguard/http';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@vanguard/auth';
import { AuditRefusal } from '../../application/audit-refusal';
import type { Instant } from '../../application/audit-reader';
import type { Auditor } from '../../application/audit-trail';
import { streamKindOf } from '../../application/stream-catalog';
import type { AuditedContext } from '../../infrastructure/audit-database';

const ISO_INSTANT =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})T(?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](?<oh>\d{2}):(?<om>\d{2}))$/;
const AN_INSTANT = '须为带时区的 ISO-8601 时刻 / must be an ISO-8601 instant with an offset, e.g. 2011-06-30T16:00:00Z';

/**
 * An instant with its offset (`2011-06-30T16:00:00Z`, `2011-07-01T00:00:00+08:00`), as UTC
 * ISO-8601; 400 naming the field otherwise. `Date` rolls an impossible date over (February 30th
 * into March, 24:00 into the next day) and takes years Postgres refuses (0000, or past 9999 once
 * the offset is applied: a 500 after the trail was written): each field must be one a calendar
 * has, and the instant a year from 0001 to 9999 in UTC.
 */
export function parseInstant(field: string, raw: unknown): string {
  const m = typeof raw === 'string' ? ISO_INSTANT.exec(raw)?.groups : undefined;
  // A query string reads a bare '+' as a space: `…T00:00:00+08:00` typed into a URL arrives so.
  if (typeof raw === 'string' && !m && ISO_INSTANT.test(raw.replace(/ (\d{2}:\d{2})$/, '+$1')))
    throw AuditRefusal.invalid(
      field,
      `${AN_INSTANT}; 网址中的 + 须写作 %2B / a '+' in a URL must be sent as %2B, a bare one reads as a space`,
    );
  if (typeof raw !== 'string' || !m) throw AuditRefusal.invalid(field, AN_INSTANT);
  const n = (name: string): number => Number(m[name] ?? '0');
  const [y, mo, d, h, mi, s, oh, om] = [n('y'), n('mo'), n('d'), n('h'), n('mi'), n('s'), n('oh'), n('om')];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59)
    throw AuditRefusal.invalid(field, `不是日历上的时刻 / not a calendar instant (no such month, day, hour, minute or offset): ${raw}`);
  const ms = Date.parse(raw);
  const year = new Date(ms).getUTCFullYear();
  if (Number.isNaN(ms) || year < 1 || year > 9999)
    throw AuditRefusal.invalid(field, `须在公元 0001 至 9999 年之间（UTC）/ must fall in the years 0001 to 9999 in UTC: ${raw}`);
  return new Date(ms).toISOString();
}

/** Days in a month of the proleptic Gregorian calendar, which ISO-8601 and Postgres count by. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function parsePositiveInt(field: string, raw: unknown, max = Number.MAX_SAFE_INTEGER): number {
  // Sixteen digits: the largest safe integer has 16, and the refusal names it as taken (15 refused it).
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw AuditRefusal.invalid(field, `须为 1 到 ${max} 的整数 / must be an integer from 1 to ${max}`);
  return n;
}

/** `<prefix>At` (an instant) or `<prefix>Version`: exactly one. */
export function parseInstantOrVersion(query: Record<string, unknown>, at: string, version: string): Instant {
  const hasAt = query[at] !== undefined;
  const hasVersion = query[version] !== undefined;
  if (hasAt === hasVersion) throw AuditRefusal.invalid(at, `须给出 ${at} 或 ${version} 之一 / give exactly one of ${at} and ${version}`);
  return hasAt ? { recordedAt: parseInstant(at, query[at]) } : { version: parsePositiveInt(version, query[version]) };
}

/** The caller as the trail records them, and the request's correlation id. */
export const AuditCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): { auditor: Auditor; correlationId: string } => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal; id?: unknown }>();
  if (!req.principal) throw new Error('AuditCaller used on a public route');
  const p = req.principal;
  return {
    auditor: { sub: p.sub, username: p.username, roles: p.roles, orgId: p.orgId },
    correlationId: typeof req.id === 'string' ? req.id : randomUUID(),
  };
});

const STORABLE = new StorableTextPipe();
const QUERY = { type: 'query' as const, data: undefined, metatype: Object };

/**
 * The query string when it names only parameters the route takes (`allowed`); 400 naming the first
 * other one. A misspelled parameter (`stream[]`, `form`) used to be ignored, and the route answered
 * its default: completeness of the whole store where one stream was meant (a hostile probe).
 */
const takenParams = createParamDecorator((allowed: readonly string[], ctx: ExecutionContext): Record<string, unknown> => {
  // The global text check passes a custom decorator's value by: it is run here, as it ran on @Query().
  const query = STORABLE.transform(ctx.switchToHttp().getRequest<{ query: Record<string, unknown> }>().query, QUERY) as Record<
    string,
    unknown
  >;
  const other = Object.keys(query).find((k) => !allowed.includes(k));
  if (other !== undefined) {
    // Named as sent, but bounded and without control characters: the answer echoes it.
    const named = other.replace(/[\p{Cc}\p{Cf}]/gu, '?').slice(0, 64);
    throw AuditRefusal.invalid(
      named,
      `此接口不接受参数 ${JSON.stringify(named)} / this route takes no parameter ${JSON.stringify(named)}; it takes ${allowed.length ? allowed.join(', ') : 'none'}`,
    );
  }
  return query;
});

/** A tree size, a version, a trail position: what `parsePositiveInt` takes. */
export const POSITIVE_INTEGER: SchemaObject = { type: 'integer', minimum: 1 };
/** What `parseInstant` takes. */
export const INSTANT: SchemaObject = { type: 'string', format: 'date-time' };

/** The parameters that read the same on every route that takes them; the others are each route's to say. */
const SCHEMA_BY_NAME: Record<string, SchemaObject> = {
  size: POSITIVE_INTEGER,
  version: POSITIVE_INTEGER,
  fromVersion: POSITIVE_INTEGER,
  toVersion: POSITIVE_INTEGER,
  before: POSITIVE_INTEGER,
  at: INSTANT,
  fromAt: INSTANT,
  toAt: INSTANT,
  auditor: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$', description: 'the auditor’s token subject' },
};

/**
 * `takenParams`, each parameter also named in the OpenAPI document (none was: the routes read a
 * bare @Query()), with how its value reads: by its name, or as the route says (`schemas`: `from`
 * is an instant on one route and a tree size on others, a page's `limit` has each route's maximum).
 * The route's own parser still judges it and names it in a 400.
 */
export function AuditParams(allowed: readonly string[], schemas: Readonly<Record<string, SchemaObject>> = {}): ParameterDecorator {
  return (target, key, index) => {
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key !== undefined && descriptor)
      for (const name of allowed)
        ApiQuery({ name, required: false, schema: schemas[name] ?? SCHEMA_BY_NAME[name] ?? { type: 'string' } })(target, key, descriptor);
    takenParams(allowed)(target, key, index);
  };
}

/**
 * A stream of the context's store, or a 400 naming the field. Another context's stream is absent
 * from this context's map, so a proof of it would be a true absence proof that reads as "no such
 * decision": refused, as an export of it is.
 */
export function streamInContext(stream: string, context: AuditedContext, field: string): string {
  if (streamKindOf(stream, field).context !== context)
    throw AuditRefusal.invalid(field, `${stream} 不在 ${context} 存储中 / ${stream} is not in the ${context} store`);
  return stream;
}

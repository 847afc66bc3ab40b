import type { Pool, PoolClient } from 'pg';
import { FIGURES, FIGURE_BY_KEY, PERSONAL_FIGURES, combine, type FigureDefinition, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { MULTI_ROW_PREDICATE } from './migrations/fact-multi-row-index';
import { stoppable, type StopOptions } from './stoppable-query';
import { subtreeOf } from './subtree';

export interface OrgRow {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly code: string;
}

export interface TracedEvent {
  readonly eventId: string;
  readonly eventType: string;
  /** Left out for a figure about persons (PERSONAL_FIGURES): the stream names the person. */
  readonly streamId?: string;
  /** Where the event counts in the subtree; a moved deed counts in two, the one it was added to first. */
  readonly orgId: string;
  /** The envelope's `occurredAt` (UTC): when it happened in the system, not the day it is filed under. */
  readonly occurredAt: string;
  /**
   * The day (Beijing) the figure counts the event under, which the period selects by: a deed done
   * on 31 December and reported in January is recorded in January and filed in December (ADR 0157).
   * That of the row `orgId` names. Left out of a roster figure, which counts what stands now.
   */
  readonly filedOn?: string;
  /** The event's rows in the subtree summed: a deed moved inside the subtree adds 0. */
  readonly amount: number;
  readonly weight: number;
}

/** One page of a trace: `next` is the cursor after its last event when more follow. */
export interface TracePage {
  readonly events: TracedEvent[];
  readonly next: string | null;
}

export { QueryStopped } from './stoppable-query';

/** What runs a read: the pool, or a stoppable query's client. */
type Reader = Pick<Pool, 'query'>;

/** A page of a trace, run as a stoppable query (its timeout and its caller's signal). */
export interface TraceOptions extends StopOptions {
  readonly timeoutMs: number;
  readonly limit: number;
  /** A page's `next`: events after it. */
  readonly after?: string;
}

/** An `after` that is not a cursor this service gave out. */
export class TraceCursorInvalid extends Error {}

/** Whether the root is a known organisation: a subtree is counted from it, as the tree knows it. */
const KNOWN = 'exists (select 1 from rpt_org r where r.id = $1)';

/**
 * The subtree's totals (migration 1766000000003, ADR 0055): one row per month, figure and slot of
 * the root itself, each the sum of every fact under it; `n` is how many events, 0 when none counts.
 */
const FACTS_SQL = `select t.figure, sum(t.amount)::bigint as amount, sum(t.weight)::bigint as weight, sum(t.n)::bigint as n
    from rpt_fact_total t where t.anc_id = $1 and t.month >= $2::date and t.month < $3::date and ${KNOWN}
   group by t.figure having sum(t.n) > 0`;

/** The roster as it stands: its totals row per slot of the root. */
const ROSTER_SQL = `select coalesce(sum(organizations), 0)::bigint as organizations, coalesce(sum(contact_points), 0)::bigint as contact_points,
         coalesce(sum(contact_orgs), 0)::bigint as contact_orgs, coalesce(sum(members), 0)::bigint as members
    from rpt_roster_total where anc_id = $1 and ${KNOWN}`;

export type RosterTotals = { organizations: string; contact_points: string; contact_orgs: string; members: string };

/** The three roster figures from their totals: (figure, amount, events); no events reads as no data. */
export function rosterFigures(t: RosterTotals | undefined): Map<string, FigureValue> {
  const rows: [string, number, number][] = [
    ['organizations', Number(t?.organizations ?? 0), Number(t?.organizations ?? 0)],
    ['contact_points', Number(t?.contact_points ?? 0), Number(t?.contact_orgs ?? 0)],
    ['members', Number(t?.members ?? 0), Number(t?.members ?? 0)],
  ];
  return new Map(rows.map(([key, amount, n]) => [key, { key, value: n === 0 ? null : amount, events: n }]));
}

type TraceRow = {
  event_id: string;
  event_type: string;
  stream_id: string;
  org_id: string;
  occurred_at: Date;
  /** `YYYY-MM-DD`; none for a roster row. */
  filed_on?: string;
  amount: string;
  weight: string;
  /**
   * The keyset position of the row, as text Postgres reads back exactly (microseconds included):
   * written by to_char in UTC, not `::text`, whose form follows the session's DateStyle (a server
   * set otherwise would refuse its own cursors, a cold review).
   */
  k1: string;
  k2: string;
};

type FactAgg = { figure: string; amount: string; weight: string; n: string };

/** Roster traces, in keyset order: `$2` the page size, `$3`/`$4` the last row's keys (null: from the start). */
const ROSTER_TRACE_SQL: Record<string, string> = {
  organizations: `select o.event_id, 'organization.OrganizationState' as event_type, 'organization-' || o.id as stream_id, o.id as org_id,
                         o.occurred_at, 1 as amount, 1 as weight, o.code as k1, o.id::text as k2
                    from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active' and o.grassroots
                     and ($3::text is null or (o.code, o.id) > ($3::text, $4::uuid)) order by o.code, o.id limit $2`,
  contact_points: `select o.event_id, 'organization.OrganizationState' as event_type, 'organization-' || o.id as stream_id, o.id as org_id,
                          o.occurred_at, o.contact_points as amount, 1 as weight, o.code as k1, o.id::text as k2
                     from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active' and o.contact_points > 0
                      and ($3::text is null or (o.code, o.id) > ($3::text, $4::uuid)) order by o.code, o.id limit $2`,
  // Keyed by the state's event id, not the member's: the cursor is read by the caller, and the
  // members trace names no member (ADR 0093). A member's latest state has an event of its own.
  members: `select m.event_id, 'organization.MemberState' as event_type, 'member-' || m.member_id as stream_id, m.org_id, m.occurred_at,
                   1 as amount, 1 as weight, m.event_id::text as k1, m.event_id::text as k2
              from rpt_member m join rpt_org o on o.id = m.org_id
             where o.path @> array[$1::uuid] and m.membership = 'active'
               and ($3::text is null or m.event_id > $4::uuid) order by m.event_id limit $2`,
};

/** Postgres refuses a NUL in text (22021): no key the service gave out holds a control character. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor is the last row's two keys, base64url: opaque to callers, checked before it reaches SQL. */
const cursorOf = (row: TraceRow): string => Buffer.from(JSON.stringify([row.k1, row.k2]), 'utf8').toString('base64url');

/**
 * A timestamptz as Postgres writes it as text (`2026-12-05 10:33:30.89+00`), the only form a
 * cursor's first key comes in. Date.parse took "2026", "Dec 5" and 2026-02-30, which Postgres
 * refuses at the cast: a 500 for a cursor the service never gave out.
 */
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-](0\d|1[0-5])(:[0-5]\d){0,2}$/;

function isPgTimestamptz(text: string): boolean {
  const m = PG_TIMESTAMPTZ.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** A trace cursor's two keys, or TraceCursorInvalid: `after` is a caller's text until checked here. */
export function keysOf(after: string | undefined, roster: boolean): [string | null, string | null] {
  if (after === undefined) return [null, null];
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw new TraceCursorInvalid('not a cursor');
  }
  if (!Array.isArray(keys) || keys.length !== 2 || !keys.every((k) => typeof k === 'string' && k.length <= 64 && !CONTROL.test(k)))
    throw new TraceCursorInvalid('not a cursor');
  const [k1, k2] = keys as [string, string];
  // The first key is a timestamp of a fact, or a roster row's code or member id; the second an id.
  if (!UUID.test(k2) || (!roster && !isPgTimestamptz(k1))) throw new TraceCursorInvalid('not a cursor');
  return [k1, k2];
}

/**
 * The totals count rows (a trigger sees one row at a time); an event of MULTI_ROW_TYPES may have
 * several rows of one figure in a subtree (a deed moved between two of its villages). This counts
 * the rows beyond the first, per figure and period (`i`, 1-based), to take them off `n`, so a
 * figure's `events` is the number of events its trace lists. Such events are county corrections,
 * a few rows, found through `rpt_fact_type_day_idx`.
 */
const EXTRA_ROWS_SQL = `select x.figure, x.i, sum(x.n_rows - 1)::bigint as extra
    from (select f.figure, p.i, f.event_id, count(*) as n_rows
            from rpt_fact f
            join unnest($2::date[], $3::date[]) with ordinality as p(d0, d1, i) on f.day >= p.d0 and f.day < p.d1
            join rpt_org o on o.id = f.org_id
           where ${MULTI_ROW_PREDICATE('f')} and o.path @> array[$1::uuid]
           group by f.figure, p.i, f.event_id having count(*) > 1) x
   group by x.figure, x.i`;

function withoutExtraRows(row: FactAgg, extra: readonly { figure: string; i: string; extra: string }[], i = '1'): FactAgg {
  const e = extra.find((x) => x.figure === row.figure && String(x.i) === String(i));
  return e ? { ...row, n: String(Number(row.n) - Number(e.extra)) } : row;
}

/** Sums arrive pre-aggregated: one synthetic fact carries the totals, `events` the real count. */
function valueOf(d: FigureDefinition, row: FactAgg | undefined): FigureValue {
  const v = combine(d, row ? [{ amount: Number(row.amount), weight: Number(row.weight) }] : []);
  return { ...v, events: row ? Number(row.n) : 0 };
}

/**
 * Figures from the projection: a subtree is every organisation whose path holds the root
 * (so the figure follows the tree as it stands now, moves included), a period a range of
 * Asia/Shanghai days. A figure's events are exactly the rows its sum was taken over.
 */
export class SqlFiguresReadModel {
  constructor(private readonly pool: Pool) {}

  async org(id: string): Promise<OrgRow | undefined> {
    const r = await this.pool.query<OrgRow>({
      name: 'reporting.org',
      text: 'select id, name, level, code from rpt_org where id = $1',
      values: [id],
    });
    return r.rows[0];
  }

  async children(id: string): Promise<OrgRow[]> {
    const r = await this.pool.query<OrgRow>(
      `select id, name, level, code from rpt_org where parent_id = $1 and status = 'active' order by code`,
      [id],
    );
    return r.rows;
  }

  /**
   * Every figure for the subtree and period. With `stop` (a download's, whose caller may leave) it
   * runs as a stoppable query: a caller gone cancels its statements and its connection is closed.
   */
  async figures(rootId: string, period: Period, stop?: StopOptions): Promise<Map<string, FigureValue>> {
    return stop ? stoppable(this.pool, stop, (c) => this.figuresOn(c, rootId, period, true)) : this.figuresOn(this.pool, rootId, period);
  }

  /** On the pool the three statements run side by side; on one client one after the other (pg queues them, deprecated). */
  private async figuresOn(on: Reader, rootId: string, period: Period, oneClient = false): Promise<Map<string, FigureValue>> {
    const reads = [
      () => on.query<FactAgg>({ name: 'reporting.figures.facts', text: FACTS_SQL, values: [rootId, period.from, period.to] }),
      () => this.roster(rootId, on),
      () => this.extraRows(rootId, [period], on),
    ] as const;
    const [facts, roster, extra] = oneClient
      ? [await reads[0](), await reads[1](), await reads[2]()]
      : await Promise.all([reads[0](), reads[1](), reads[2]()]);
    const rows = new Map(facts.rows.map((x) => [x.figure, withoutExtraRows(x, extra.rows)]));
    const out = new Map<string, FigureValue>();
    for (const d of FIGURES) out.set(d.key, d.kind === 'roster' ? (roster.get(d.key) as FigureValue) : valueOf(d, rows.get(d.key)));
    return out;
  }

  /**
   * One figure per period (a series' quarters) in one statement over the root's totals. A
   * roster figure is the roster as it stands now, the same in every period.
   */
  async series(rootId: string, figure: string, periods: readonly Period[]): Promise<FigureValue[]> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d || periods.length === 0) return [];
    if (d.kind === 'roster') {
      const v = (await this.roster(rootId)).get(figure) as FigureValue;
      return periods.map(() => v);
    }
    const r = await this.pool.query<FactAgg & { i: string }>({
      name: 'reporting.series.totals',
      text: `select p.i, sum(t.amount)::bigint as amount, sum(t.weight)::bigint as weight, sum(t.n)::bigint as n
         from rpt_fact_total t
         join unnest($3::date[], $4::date[]) with ordinality as p(d0, d1, i) on t.month >= p.d0 and t.month < p.d1
        where t.anc_id = $1 and t.figure = $2 and ${KNOWN}
        group by p.i having sum(t.n) > 0`,
      values: [rootId, figure, periods.map((p) => p.from), periods.map((p) => p.to)],
    });
    const extra = await this.extraRows(rootId, periods);
    const byIndex = new Map(r.rows.map((x) => [Number(x.i), withoutExtraRows({ ...x, figure }, extra.rows, x.i)]));
    return periods.map((_, i) => valueOf(d, byIndex.get(i + 1)));
  }

  private extraRows(rootId: string, periods: readonly Period[], on: Reader = this.pool) {
    return on.query<{ figure: string; i: string; extra: string }>({
      name: 'reporting.figures.extra-rows',
      text: EXTRA_ROWS_SQL,
      values: [rootId, periods.map((p) => p.from), periods.map((p) => p.to)],
    });
  }

  private async roster(rootId: string, on: Reader = this.pool): Promise<Map<string, FigureValue>> {
    return rosterFigures((await on.query<RosterTotals>({ name: 'reporting.figures.roster', text: ROSTER_SQL, values: [rootId] })).rows[0]);
  }

  /**
   * The events behind one figure, oldest first, one entry per event, a page of at most `limit`
   * after `after`. It runs in a transaction of its own with `statement_timeout`: a province's
   * trace must not hold a connection of the pool the projection's inbox shares for minutes.
   */
  async trace(figure: string, rootId: string, period: Period, o: TraceOptions): Promise<TracePage> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d) return { events: [], next: null };
    const roster = d.kind === 'roster';
    const [k1, k2] = keysOf(o.after, roster);
    const rows = await stoppable(this.pool, o, (c) =>
      roster
        ? c.query<TraceRow>(ROSTER_TRACE_SQL[figure] as string, [rootId, o.limit + 1, k1, k2])
        : this.subtreeTrace(c, figure, rootId, period, o.limit + 1, k1, k2),
    );
    const page = rows.rows.slice(0, o.limit);
    const personal = PERSONAL_FIGURES.has(figure);
    return {
      events: page.map((x) => ({
        eventId: x.event_id,
        eventType: x.event_type,
        ...(personal ? {} : { streamId: x.stream_id }),
        orgId: x.org_id,
        occurredAt: new Date(x.occurred_at).toISOString(),
        ...(x.filed_on ? { filedOn: x.filed_on } : {}),
        amount: Number(x.amount),
        weight: Number(x.weight),
      })),
      next: rows.rows.length > o.limit ? cursorOf(page[page.length - 1]!) : null,
    };
  }

  /**
   * One row per event: a moved deed has rows in two organisations, summed here as in the figure.
   * All rows of one event share its time, so the keyset (time, event id) is taken row by row.
   */
  private async subtreeTrace(
    c: PoolClient,
    figure: string,
    rootId: string,
    period: Period,
    limit: number,
    k1: string | null,
    k2: string | null,
  ) {
    const t = await subtreeOf(c, rootId);
    return c.query<TraceRow>(
      `select f.event_id, min(f.event_type) as event_type, min(f.stream_id) as stream_id,
              (array_agg(f.org_id order by f.amount desc, f.org_id, f.day))[1] as org_id, min(f.occurred_at) as occurred_at,
              (array_agg(to_char(f.day, 'YYYY-MM-DD') order by f.amount desc, f.org_id, f.day))[1] as filed_on,
              sum(f.amount) as amount, max(f.weight) as weight, to_char(min(f.occurred_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as k1, f.event_id::text as k2
         from rpt_fact f
        where ${t.orgIn('f.org_id')} and f.figure = $2 and f.day >= $3::date and f.day < $4::date
          and ($6::timestamptz is null or (f.occurred_at, f.event_id) > ($6::timestamptz, $7::uuid))
        group by f.event_id
        order by min(f.occurred_at), f.event_id limit $5`,
      [t.param, figure, period.from, period.to, limit, k1, k2],
    );
  }
}

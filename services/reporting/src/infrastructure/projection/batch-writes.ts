import type { PoolClient } from 'pg';
import type { DeferredWrite } from '@vanguard/messaging';
import type { Fact } from '../../domain/facts-of-event';

/**
 * The versions of the organization service's signed removals (ADR 0130): one table for the live
 * copy and a rebuild's shadows, so a state older than a key's removal is applied to neither.
 */
export const RPT_ROSTER_REMOVAL = 'rpt_roster_removal';

/** A state row `s` of `kind` that no removal of the same key at its version or above has removed. */
const notRemoved = (kind: 'organization' | 'member', id: string) =>
  `not exists (select 1 from ${RPT_ROSTER_REMOVAL} x where x.kind = '${kind}' and x.id = ${id} and x.version >= s.version)`;

/** `rpt_org__rebuild` → `__rebuild`: which table set the totals' locks are for (migration 1766000000003). */
const suffixOf = (table: string, base: string) => table.slice(base.length);

/** A column per field, as `unnest($1::uuid[], $2::text[], …)` takes them: one statement for any number of rows. */
class Columns {
  readonly columns: unknown[][];
  constructor(width: number) {
    this.columns = Array.from({ length: width }, () => []);
  }
  push(row: readonly unknown[]): void {
    row.forEach((v, i) => this.columns[i]!.push(v));
  }
  get size(): number {
    return this.columns[0]!.length;
  }
}

/**
 * One transaction's facts, inserted with one statement: the totals trigger (statement-level,
 * migration 1766000000003) then locks the chunk's organisations once and upserts its aggregated
 * deltas once, where one statement per event ran it per event (ADR 0060). The primary key
 * (event, figure, organisation, day) makes a second delivery a no-op even past the inbox.
 */
export class FactRows implements DeferredWrite<PoolClient> {
  private readonly rows = new Columns(9);
  constructor(private readonly table: string) {}

  add(e: { eventId: string; type: string; streamId: string; occurredAt: string }, facts: readonly Fact[]): this {
    for (const f of facts) this.rows.push([e.eventId, f.figure, e.type, e.streamId, f.orgId, f.day, e.occurredAt, f.amount, f.weight]);
    return this;
  }

  async flush(tx: PoolClient): Promise<void> {
    if (this.rows.size === 0) return;
    await tx.query(
      `insert into ${this.table} (event_id, figure, event_type, stream_id, org_id, day, occurred_at, amount, weight)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::date[], $7::timestamptz[], $8::bigint[], $9::bigint[])
       on conflict do nothing`,
      this.rows.columns,
    );
  }
}

/**
 * Latest states by key (organisation or member), written with one upsert applied only where
 * newer, as one upsert per state was: of several versions of a key in the transaction only the
 * highest (the first of equals) can win, so only it is sent — an upsert may not touch a row twice.
 * Rows go in key order, so two transactions meet on their rows in the same order.
 */
abstract class LatestStates<R extends readonly unknown[]> implements DeferredWrite<PoolClient> {
  private readonly latest = new Map<string, { version: number; row: R }>();

  protected put(key: string, version: number, row: R): this {
    const had = this.latest.get(key);
    if (!had || had.version < version) this.latest.set(key, { version, row });
    return this;
  }

  async flush(tx: PoolClient): Promise<void> {
    if (this.latest.size === 0) return;
    const rows = new Columns(this.width);
    for (const k of [...this.latest.keys()].sort()) rows.push(this.latest.get(k)!.row);
    await this.write(tx, rows.columns);
  }

  protected abstract readonly width: number;
  protected abstract write(tx: PoolClient, columns: unknown[][]): Promise<void>;
}

export interface OrgStateRow {
  readonly orgId: string;
  readonly parentId: string | null;
  readonly path: readonly string[];
  readonly code: string;
  readonly name: string;
  readonly level: string;
  /** committee / general_branch / branch: with the level, whether it is 基层党组织 (the table derives `grassroots`). */
  readonly kind: string;
  readonly status: string;
  readonly mergedIntoId: string | null;
  readonly contactPoints: number;
  readonly version: number;
  readonly eventId: string;
  readonly occurredAt: string;
}

/** Organisation states; `notifyChannel` (the live table's) is told each organisation that changed, as ScopeService follows it. */
export class OrgStates extends LatestStates<unknown[]> {
  protected readonly width = 13;
  constructor(
    private readonly table: string,
    private readonly notifyChannel?: string,
  ) {
    super();
  }

  add(s: OrgStateRow): this {
    // A path travels as its array literal: unnest cannot take an array of arrays of different lengths.
    const path = `{${s.path.join(',')}}`;
    return this.put(s.orgId, s.version, [
      s.orgId,
      s.parentId,
      path,
      s.code,
      s.name,
      s.level,
      s.status,
      s.mergedIntoId,
      s.contactPoints,
      s.version,
      s.eventId,
      s.occurredAt,
      s.kind,
    ]);
  }

  protected async write(tx: PoolClient, columns: unknown[][]): Promise<void> {
    // Every organisation's lock before the upsert, in one ordered pass: its insert and update
    // triggers fire one after the other and would each lock their own rows in their own order.
    await tx.query(`select rpt_total_lock($1, $2::uuid[], true)`, [suffixOf(this.table, 'rpt_org'), columns[0]]);
    const r = await tx.query<{ id: string }>(
      `insert into ${this.table} (id, parent_id, path, code, name, level, status, merged_into_id, contact_points, version, event_id, occurred_at, kind)
       select id, parent_id, path::uuid[], code, name, level, status, merged_into_id, contact_points, version, event_id, occurred_at, kind
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::integer[],
                     $10::integer[], $11::uuid[], $12::timestamptz[], $13::text[])
           as s(id, parent_id, path, code, name, level, status, merged_into_id, contact_points, version, event_id, occurred_at, kind)
        where ${notRemoved('organization', 's.id')}
       on conflict (id) do update set parent_id = excluded.parent_id, path = excluded.path, code = excluded.code, name = excluded.name,
         level = excluded.level, kind = excluded.kind, status = excluded.status, merged_into_id = excluded.merged_into_id,
         contact_points = excluded.contact_points, version = excluded.version, event_id = excluded.event_id, occurred_at = excluded.occurred_at
       where ${this.table}.version < excluded.version
       returning id`,
      columns,
    );
    // ScopeService on every replica rereads each row once this commits (NOTIFY is delivered on commit).
    if (r.rows.length && this.notifyChannel)
      await tx.query(`select pg_notify(current_schema() || $1, id) from unnest($2::text[]) as id`, [
        this.notifyChannel,
        r.rows.map((x) => x.id),
      ]);
  }
}

export interface MemberStateRow {
  readonly memberId: string;
  readonly orgId: string;
  readonly membership: string;
  readonly version: number;
  readonly eventId: string;
  readonly occurredAt: string;
}

/** Member states. */
export class MemberStates extends LatestStates<unknown[]> {
  protected readonly width = 6;
  constructor(private readonly table: string) {
    super();
  }

  add(s: MemberStateRow): this {
    return this.put(s.memberId, s.version, [s.memberId, s.orgId, s.membership, s.version, s.eventId, s.occurredAt]);
  }

  protected async write(tx: PoolClient, columns: unknown[][]): Promise<void> {
    // The organisations each member leaves and joins, locked in one ordered pass before the
    // upsert's insert and update triggers lock theirs (re-entrant then): no two passes to
    // interleave with an organisation state's exclusive ones. A member is written by one
    // partition only, so where it is now cannot change meanwhile.
    await tx.query(
      `select rpt_total_lock($1, array(select org_id from ${this.table} where member_id = any($2::uuid[])) || $3::uuid[], false)`,
      [suffixOf(this.table, 'rpt_member'), columns[0], columns[1]],
    );
    await tx.query(
      `insert into ${this.table} (member_id, org_id, membership, version, event_id, occurred_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::integer[], $5::uuid[], $6::timestamptz[])
           as s(member_id, org_id, membership, version, event_id, occurred_at)
        where ${notRemoved('member', 's.member_id')}
       on conflict (member_id) do update set org_id = excluded.org_id, membership = excluded.membership, version = excluded.version,
         event_id = excluded.event_id, occurred_at = excluded.occurred_at
       where ${this.table}.version < excluded.version`,
      columns,
    );
  }
}

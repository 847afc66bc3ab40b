import type { Pool } from 'pg';
import { namedStatement } from '@vanguard/messaging';
import type { Actor } from '../../application/ports/actor';
import type { IdNumberHolder } from '../../application/ports/id-number-checks.port';
import { IdNumberChecksExhaustedError, type IdNumberCheckLimits, type IdNumberCheckUsage } from '../../application/roster/id-number-checks';

/** A row a real import held because its ID number belongs to an active member outside the caller's subtree. */
export interface HeldRow {
  readonly row: number;
  readonly orgId: string;
  readonly existingMemberId: string;
}

/** A connection, a pool or a TypeORM manager: whatever transaction the statement belongs to. */
export interface Sql {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/** A blind index already held by an active member, and whether that member is in the caller's subtree. */
export interface HashHolder extends IdNumberHolder {
  readonly hash: string;
}

/**
 * The record of ID-number checks (ADR 0011), for member imports and single enrolment alike:
 * reserves checks against the caller's budget for the window before they are made (the
 * database function `reserve_id_number_checks`, one reservation of a user at a time), flagging
 * the organisation above the caller when it is used up; finds who holds the numbers, telling
 * the caller's subtree from elsewhere; keeps what was held for that organisation.
 */
export class PgIdNumberChecks {
  constructor(
    private readonly pool: () => Pool,
    private readonly limits: IdNumberCheckLimits,
  ) {}

  /**
   * Opens a member import's record, counted against the caller's budget from its start:
   * refused (429, flagged above) unless there is room for another job and at least one ID
   * number. `budgeted = false` (scripts, never HTTP) records without a budget.
   */
  async open(jobId: string, actor: Actor, dryRun: boolean, budgeted = true): Promise<void> {
    await this.reserve(actor, budgeted, { jobId, newRow: true, source: 'import', dryRun, ids: 0, held: 0 });
  }

  /**
   * Reserves `idNumbers` more checks for a running import before it makes them: granted only
   * when they fit the window's budget, else 429 (flagged above) and nothing is checked. What
   * is granted is on the record at once, whatever becomes of the import.
   */
  async reserveForJob(jobId: string, actor: Actor, idNumbers: number, budgeted = true): Promise<void> {
    if (idNumbers <= 0) return;
    await this.reserve(actor, budgeted, { jobId, newRow: false, source: 'import', dryRun: false, ids: idNumbers, held: 0 });
  }

  /**
   * Reserves the holds a running real import's batch found, before it writes them (ADR 0126):
   * past the window's holds, 429 (flagged above) and nothing is held. Counted either way: the
   * caller has learnt of them, so it stays refused for the window.
   */
  async reserveHolds(jobId: string, actor: Actor, held: number, budgeted = true): Promise<void> {
    if (held <= 0) return;
    await this.reserve(actor, budgeted, { jobId, newRow: false, source: 'import', dryRun: false, ids: 0, held });
  }

  /** Ends an import's record, on every path (succeeded, rejected, failed): how many numbers matched elsewhere. */
  async close(jobId: string, held: number): Promise<void> {
    await this.pool().query(`update id_number_checks set held = $2, finished_at = now() where job_id = $1`, [jobId, held]);
  }

  private async reserve(actor: Actor, budgeted: boolean, r: Reservation): Promise<void> {
    const { rows } = await this.pool().query<ReservationRow>(
      `select jobs, ids, held, granted from reserve_id_number_checks($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [...this.reserveParams(actor, budgeted, r), r.held, this.holdsLimit(budgeted)],
    );
    await this.refuseUnlessGranted(actor, rows[0]!);
  }

  /** $1–$10 of reserve_id_number_checks; $11, the count held, is the caller's; $12 is `holdsLimit`. */
  private reserveParams(actor: Actor, budgeted: boolean, r: Reservation): unknown[] {
    const l = budgeted ? this.limits : UNBUDGETED;
    return [
      actor.sub,
      l.windowMinutes,
      l.jobsPerWindow,
      l.idNumbersPerWindow,
      r.jobId,
      r.newRow,
      r.source,
      actor.orgId ?? null,
      r.dryRun,
      r.ids,
    ];
  }

  private holdsLimit(budgeted: boolean): number {
    return (budgeted ? this.limits : UNBUDGETED).holdsPerWindow;
  }

  private async refuseUnlessGranted(actor: Actor, row: ReservationRow): Promise<void> {
    if (row.granted) return;
    await this.flag(actor, { jobs: row.jobs, idNumbers: row.ids, held: row.held });
    throw new IdNumberChecksExhaustedError(this.limits);
  }

  /**
   * Holds rows for the organisation above the caller (the caller's own when it has no
   * parent), on the import's transaction: a rolled-back import holds nothing.
   */
  async hold(client: Sql, jobId: string, actor: Actor, rows: readonly HeldRow[]): Promise<void> {
    if (!rows.length) return;
    const insert = holdInsert(jobId, actor, rows, { firstParam: 1 });
    await client.query(insert.sql, insert.params);
  }

  /**
   * Active members holding these blind indexes, each marked inside or outside the subtree of
   * `actorOrgId` (outside for a caller with no organisation). The one duplicate lookup.
   */
  async holders(db: Sql, hashes: readonly string[], actorOrgId: string | undefined): Promise<Map<string, HashHolder>> {
    if (!hashes.length) return new Map();
    const res = (await db.query(
      `select m.id_number_hash as hash, m.id as member_id,
              coalesce(o.path like (select path from organizations where id = $2::uuid) || '%', false) as mine
         from members m join organizations o on o.id = m.org_id
        where m.membership = 'active' and m.id_number_hash = any($1::text[])`,
      [hashes, actorOrgId ?? null],
    )) as { rows?: HolderRow[] } | HolderRow[];
    const rows = Array.isArray(res) ? res : (res.rows ?? []);
    return new Map(rows.map((r) => [r.hash, { hash: r.hash, memberId: r.member_id, insideCallersSubtree: r.mine }]));
  }

  /**
   * One enrolment's check: reserved against the budget (an enrolment counts one ID number,
   * no job), looked up, and recorded — committed at once, so a refused enrolment is on the
   * record too. One statement, as enrolment is the hot write path: the holder is read beside
   * the reservation, which records the check only when it fits (reserve_id_number_checks).
   */
  async checkEnrolment(checkId: string, actor: Actor, hash: string): Promise<HashHolder | null> {
    const { rows } = await this.pool().query<EnrolmentCheckRow>({
      ...ENROLMENT_CHECK,
      values: [
        ...this.reserveParams(actor, true, { jobId: checkId, newRow: true, source: 'enrolment', dryRun: false, ids: 1, held: 0 }),
        hash,
        this.holdsLimit(true),
      ],
    });
    const row = rows[0]!;
    await this.refuseUnlessGranted(actor, row);
    return row.member_id ? { hash, memberId: row.member_id, insideCallersSubtree: row.mine === true } : null;
  }

  /** One flag per caller and window, for the organisation above the caller's. */
  private async flag(actor: Actor, usage: IdNumberCheckUsage): Promise<void> {
    await this.pool().query(
      `insert into id_number_probe_flags (actor_sub, actor_org_id, review_org_id, jobs, id_numbers, held)
       select $1, $2::uuid, (select coalesce(parent_id, id) from organizations where id = $2::uuid), $3, $4, $6
        where not exists (select 1 from id_number_probe_flags
                           where actor_sub = $1 and flagged_at > now() - make_interval(mins => $5))`,
      [actor.sub, actor.orgId ?? null, usage.jobs, usage.idNumbers, this.limits.windowMinutes, usage.held],
    );
  }
}

/**
 * One enrolment's check (checkEnrolment), prepared once per connection: unnamed, it was parsed
 * and planned at every enrolment, which cost about as much as running it.
 */
const ENROLMENT_CHECK = namedStatement(
  'organization_enrolment_id_number_check',
  `with holder as (
         select m.id as member_id,
                coalesce(o.path like (select path from organizations where id = $8::uuid) || '%', false) as mine
           from members m join organizations o on o.id = m.org_id
          where m.membership = 'active' and m.id_number_hash = $11
          limit 1)
       select r.jobs, r.ids, r.held, r.granted, holder.member_id, holder.mine
         from reserve_id_number_checks($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (select count(*) from holder where not mine)::int, $12) r
         left join holder on true`,
);

/** Scripts' own imports: recorded, with limits no file reaches (int4). */
const UNBUDGETED: IdNumberCheckLimits = {
  jobsPerWindow: 2_147_483_647,
  idNumbersPerWindow: 2_147_483_647,
  holdsPerWindow: 2_147_483_647,
  windowMinutes: 1,
};

interface Reservation {
  readonly jobId: string;
  /** A new row (an import opening, an enrolment) rather than more numbers for a running import. */
  readonly newRow: boolean;
  readonly source: 'import' | 'enrolment';
  readonly dryRun: boolean;
  readonly ids: number;
  readonly held: number;
}

interface ReservationRow {
  jobs: number;
  ids: number;
  held: number;
  granted: boolean;
}

interface EnrolmentCheckRow extends ReservationRow {
  member_id: string | null;
  mine: boolean | null;
}

interface HolderRow {
  hash: string;
  member_id: string;
  mine: boolean;
}

/**
 * The insert of held rows, for the organisation above the caller (the caller's own when it has
 * no parent): the import's and the enrolment's hold, and the enrolment's guarded write (ADR 0082),
 * which feeds it from its guard (`after`: one row, the rows are held; none, nothing is).
 */
export function holdInsert(
  jobId: string,
  actor: Actor,
  rows: readonly HeldRow[],
  at: { firstParam: number; after?: string },
): { sql: string; params: unknown[] } {
  if (at.after !== undefined && !/^[a-z_][a-z0-9_]*$/.test(at.after)) throw new Error('holdInsert: unsafe CTE name');
  const p = (i: number) => `$${at.firstParam + i}`;
  return {
    sql:
      `insert into id_number_review_holds (job_id, row_number, org_id, existing_member_id, review_org_id, actor_sub)
       select ${p(0)}::uuid, u.row_number, u.org_id, u.member_id, coalesce(o.parent_id, o.id), ${p(1)}::text
         from unnest(${p(2)}::int[], ${p(3)}::uuid[], ${p(4)}::uuid[]) as u(row_number, org_id, member_id)
         join organizations o on o.id = ${p(5)}::uuid` + (at.after ? ` cross join ${at.after}` : ''),
    params: [jobId, actor.sub, rows.map((r) => r.row), rows.map((r) => r.orgId), rows.map((r) => r.existingMemberId), actor.orgId],
  };
}

import type { Pool } from 'pg';
import type { Actor } from '../../application/ports/actor';
import type { IdNumberHolder } from '../../application/ports/id-number-checks.port';
import {
  IdNumberChecksExhaustedError,
  mayStartAnotherCheck,
  type IdNumberCheckLimits,
  type IdNumberCheckUsage,
} from '../../application/roster/id-number-checks';

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
 * admits a check against the caller's budget for the window, flagging the organisation above
 * the caller when it is used up; finds who holds the numbers, telling the caller's subtree
 * from elsewhere; records each check's count; keeps what was held for that organisation.
 */
export class PgIdNumberChecks {
  constructor(
    private readonly pool: () => Pool,
    private readonly limits: IdNumberCheckLimits,
  ) {}

  /** Refuses (429) and flags when the caller's budget is used up; otherwise lets the job start. */
  async admit(actor: Actor): Promise<void> {
    const usage = await this.usage(actor.sub);
    if (mayStartAnotherCheck(usage, this.limits)) return;
    await this.flag(actor, usage);
    throw new IdNumberChecksExhaustedError(this.limits);
  }

  /** Counts the job against the budget from its start, so a burst cannot race past it. */
  async open(jobId: string, actor: Actor, dryRun: boolean): Promise<void> {
    await this.pool().query(`insert into id_number_checks (job_id, actor_sub, actor_org_id, dry_run) values ($1, $2, $3, $4)`, [
      jobId,
      actor.sub,
      actor.orgId ?? null,
      dryRun,
    ]);
  }

  async close(jobId: string, idNumbers: number, held: number): Promise<void> {
    await this.pool().query(`update id_number_checks set id_numbers = $2, held = $3, finished_at = now() where job_id = $1`, [
      jobId,
      idNumbers,
      held,
    ]);
  }

  /**
   * Holds rows for the organisation above the caller (the caller's own when it has no
   * parent), on the import's transaction: a rolled-back import holds nothing.
   */
  async hold(client: Sql, jobId: string, actor: Actor, rows: readonly HeldRow[]): Promise<void> {
    if (!rows.length) return;
    await client.query(
      `insert into id_number_review_holds (job_id, row_number, org_id, existing_member_id, review_org_id, actor_sub)
       select $1, u.row_number, u.org_id, u.member_id, coalesce(o.parent_id, o.id), $2
         from unnest($3::int[], $4::uuid[], $5::uuid[]) as u(row_number, org_id, member_id)
         join organizations o on o.id = $6`,
      [jobId, actor.sub, rows.map((r) => r.row), rows.map((r) => r.orgId), rows.map((r) => r.existingMemberId), actor.orgId],
    );
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
   * One enrolment's check: admitted against the budget (an enrolment counts one ID number,
   * no job), looked up, and recorded — committed at once, so a refused enrolment is on the
   * record too.
   */
  async checkEnrolment(checkId: string, actor: Actor, hash: string): Promise<HashHolder | null> {
    const [, found] = await Promise.all([this.admit(actor), this.holders(this.pool(), [hash], actor.orgId)]);
    const holder = found.get(hash) ?? null;
    await this.pool().query(
      `insert into id_number_checks (job_id, actor_sub, actor_org_id, dry_run, id_numbers, held, finished_at, source)
       values ($1, $2, $3, false, 1, $4, now(), 'enrolment')`,
      [checkId, actor.sub, actor.orgId ?? null, holder && !holder.insideCallersSubtree ? 1 : 0],
    );
    return holder;
  }

  private async usage(actorSub: string): Promise<IdNumberCheckUsage> {
    // Imports count as jobs and by their ID numbers; an enrolment only by its one ID number.
    const { rows } = await this.pool().query<{ jobs: number; ids: number }>(
      `select (count(*) filter (where source = 'import'))::int as jobs, coalesce(sum(id_numbers), 0)::int as ids
         from id_number_checks where actor_sub = $1 and started_at > now() - make_interval(mins => $2)`,
      [actorSub, this.limits.windowMinutes],
    );
    return { jobs: rows[0]?.jobs ?? 0, idNumbers: rows[0]?.ids ?? 0 };
  }

  /** One flag per caller and window, for the organisation above the caller's. */
  private async flag(actor: Actor, usage: IdNumberCheckUsage): Promise<void> {
    await this.pool().query(
      `insert into id_number_probe_flags (actor_sub, actor_org_id, review_org_id, jobs, id_numbers)
       select $1, $2::uuid, (select coalesce(parent_id, id) from organizations where id = $2::uuid), $3, $4
        where not exists (select 1 from id_number_probe_flags
                           where actor_sub = $1 and flagged_at > now() - make_interval(mins => $5))`,
      [actor.sub, actor.orgId ?? null, usage.jobs, usage.idNumbers, this.limits.windowMinutes],
    );
  }
}

interface HolderRow {
  hash: string;
  member_id: string;
  mine: boolean;
}

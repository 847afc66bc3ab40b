import { Injectable } from '@nestjs/common';
import type { ProjectCategory, ProjectStatus } from '@vanguard/contracts';
import type { ProjectRepository } from '../../application/ports/repositories.port';
import type { Sql, Tx } from '../../application/ports/unit-of-work.port';
import type { SourceBalance } from '../../domain/funds/fund-ledger';
import type { Milestone, Project } from '../../domain/project/project';
import type { Village } from '../../domain/shared/village';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ProjectRow {
  id: string;
  org_id: string;
  pairing_id: string | null;
  name: string;
  category: ProjectCategory;
  budget_fen: string;
  beneficiary_households: number;
  status: ProjectStatus;
  planned_on: string;
  last_step_on: string;
  approved_on: string | null;
}

@Injectable()
export class PgProjectRepository implements ProjectRepository {
  async insert(tx: Tx, p: Project, at: Date): Promise<void> {
    await tx.query(
      `insert into projects (id, org_id, pairing_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, approved_on, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        p.id,
        p.orgId,
        p.pairingId,
        p.name,
        p.category,
        p.budgetFen,
        p.beneficiaryHouseholds,
        p.status,
        p.plannedOn,
        p.lastStepOn,
        p.approvedOn,
        at,
      ],
    );
  }

  async lastMovedOn(tx: Tx, projectId: string): Promise<string | null> {
    const [r] = await tx.query<{ on: string | null }>(
      `select to_char(max(on_day), 'YYYY-MM-DD') as on from fund_movements where project_id = $1`,
      [projectId],
    );
    return r?.on ?? null;
  }

  getForUpdate(tx: Tx, id: string, withMilestones = true): Promise<Project | null> {
    return this.locked(tx, id, null, withMilestones).then((r) => r?.project ?? null);
  }

  getForUpdateWithScope(
    tx: Tx,
    id: string,
    actorOrgId: string | undefined,
    withMilestones = true,
  ): Promise<{ project: Project; orgs: Village[] } | null> {
    return this.locked(tx, id, actorOrgId && UUID.test(actorOrgId) ? actorOrgId : null, withMilestones);
  }

  /**
   * Through `project_locked_with_balances` (migration 1765600000010; 1765700000012 adds the planned day, 1766800000140 the approval's): the lock and the scope's
   * roster rows in its first statement, as `locked` reads them, the balances in a second one,
   * whose snapshot is taken once the lock is held. That holds under READ COMMITTED, the unit of
   * work's level; in a REPEATABLE READ transaction both would read its first snapshot.
   */
  async getForMoneyWithScope(
    tx: Tx,
    id: string,
    actorOrgId: string | undefined,
  ): Promise<{ project: Project; orgs: Village[]; balances: SourceBalance[] } | null> {
    const [r] = await tx.query<{ found: MoneyRow | null }>(`select project_locked_with_balances($1, $2) as found`, [
      id,
      actorOrgId && UUID.test(actorOrgId) ? actorOrgId : null,
    ]);
    return r?.found ? moneyViewOf(r.found) : null;
  }

  /**
   * The same answer as `getForMoneyWithScope` without the lock: the project, the scope's roster
   * rows and every source's balance in one statement, so all from one snapshot.
   */
  async peekForMoneyWithScope(
    db: Sql,
    id: string,
    actorOrgId: string | undefined,
  ): Promise<{ project: Project; orgs: Village[]; balances: SourceBalance[] } | null> {
    const [r] = await db.query<MoneyRow>(
      `select p.id, p.org_id, p.pairing_id, p.name, p.category, p.budget_fen::text, p.beneficiary_households, p.status, p.planned_on::text, p.last_step_on::text, p.approved_on::text,
              (select coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'level', o.level, 'sector', o.sector,
                                                          'status', o.status, 'path', o.path)), '[]')
                 from roster_organizations o where $2::uuid is not null and o.id in (p.org_id, $2::uuid)) as orgs,
              (select coalesce(json_agg(json_build_object('source', b.source, 'allocated_fen', b.allocated_fen::text,
                                                          'disbursed_fen', b.disbursed_fen::text) order by b.source), '[]')
                 from fund_balances b where b.project_id = p.id) as balances
         from projects p where p.id = $1`,
      [id, actorOrgId && UUID.test(actorOrgId) ? actorOrgId : null],
    );
    return r ? moneyViewOf(r) : null;
  }

  /**
   * The row lock and, in the same statement, the roster rows of the village and of `scopeOf`. The
   * roster is read in the statement's snapshot, as a separate question would read it; the
   * project's own columns are the locked row's latest version.
   */
  private async locked(
    tx: Tx,
    id: string,
    scopeOf: string | null,
    withMilestones: boolean,
  ): Promise<{ project: Project; orgs: Village[] } | null> {
    const [r] = await tx.query<ProjectRow & { orgs: Village[] }>(
      `select p.id, p.org_id, p.pairing_id, p.name, p.category, p.budget_fen, p.beneficiary_households, p.status, p.planned_on::text, p.last_step_on::text, p.approved_on::text,
              (select coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'level', o.level, 'sector', o.sector,
                                                          'status', o.status, 'path', o.path)), '[]')
                 from roster_organizations o where $2::uuid is not null and o.id in (p.org_id, $2::uuid)) as orgs
         from projects p where p.id = $1 for update of p`,
      [id, scopeOf],
    );
    if (!r) return null;
    const milestones = !withMilestones
      ? []
      : await tx.query<{ id: string; title: string; due_on: string; reached_on: string | null }>(
          `select id, title, due_on::text, reached_on::text from milestones where project_id = $1 order by due_on, id`,
          [id],
        );
    return {
      orgs: r.orgs,
      project: projectOf(
        r,
        milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on, reachedOn: m.reached_on })),
      ),
    };
  }

  async saveStep(tx: Tx, p: Project, satisfaction?: string): Promise<void> {
    await tx.query(
      `update projects set status = $2, last_step_on = $3, satisfaction = coalesce($4, satisfaction), approved_on = $5 where id = $1`,
      [p.id, p.status, p.lastStepOn, satisfaction ?? null, p.approvedOn],
    );
  }

  async addMilestone(tx: Tx, projectId: string, m: Milestone): Promise<void> {
    await tx.query(`insert into milestones (id, project_id, title, due_on) values ($1, $2, $3, $4)`, [m.id, projectId, m.title, m.dueOn]);
  }

  async reachMilestone(tx: Tx, milestoneId: string, reachedOn: string): Promise<void> {
    await tx.query(`update milestones set reached_on = $2 where id = $1`, [milestoneId, reachedOn]);
  }
}

type MoneyRow = ProjectRow & {
  orgs: Village[];
  balances: { source: SourceBalance['source']; allocated_fen: string; disbursed_fen: string }[];
};

function moneyViewOf(r: MoneyRow): { project: Project; orgs: Village[]; balances: SourceBalance[] } {
  return {
    project: projectOf(r, []),
    orgs: r.orgs,
    balances: r.balances.map((b) => ({ source: b.source, allocatedFen: Number(b.allocated_fen), disbursedFen: Number(b.disbursed_fen) })),
  };
}

function projectOf(r: ProjectRow, milestones: Milestone[]): Project {
  // Without it every date rule that starts from the plan would pass unseen (a service newer than its schema).
  if (!r.planned_on) throw new Error(`project ${r.id}: no planned_on read; run the assistance migrations (1765700000012)`);
  // Likewise the approval's day (null is "not approved, or not known"; absent is an old schema).
  if (r.approved_on === undefined) throw new Error(`project ${r.id}: no approved_on read; run the assistance migrations (1766800000140)`);
  return {
    id: r.id,
    orgId: r.org_id,
    pairingId: r.pairing_id,
    name: r.name,
    category: r.category,
    budgetFen: Number(r.budget_fen),
    beneficiaryHouseholds: r.beneficiary_households,
    status: r.status,
    plannedOn: r.planned_on,
    lastStepOn: r.last_step_on,
    approvedOn: r.approved_on,
    milestones,
  };
}

import { Injectable } from '@nestjs/common';
import type { ProjectCategory, ProjectStatus } from '@vanguard/contracts';
import type { ProjectRepository } from '../../application/ports/repositories.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { Milestone, Project } from '../../domain/project/project';

interface ProjectRow {
  id: string;
  org_id: string;
  pairing_id: string | null;
  name: string;
  category: ProjectCategory;
  budget_fen: string;
  beneficiary_households: number;
  status: ProjectStatus;
  last_step_on: string;
}

@Injectable()
export class PgProjectRepository implements ProjectRepository {
  async insert(tx: Tx, p: Project, at: Date): Promise<void> {
    await tx.query(
      `insert into projects (id, org_id, pairing_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
      [p.id, p.orgId, p.pairingId, p.name, p.category, p.budgetFen, p.beneficiaryHouseholds, p.status, p.lastStepOn, at],
    );
  }

  async getForUpdate(tx: Tx, id: string, withMilestones = true): Promise<Project | null> {
    const [r] = await tx.query<ProjectRow>(
      `select id, org_id, pairing_id, name, category, budget_fen, beneficiary_households, status, last_step_on::text
         from projects where id = $1 for update`,
      [id],
    );
    if (!r) return null;
    const milestones = !withMilestones
      ? []
      : await tx.query<{ id: string; title: string; due_on: string; reached_on: string | null }>(
          `select id, title, due_on::text, reached_on::text from milestones where project_id = $1 order by due_on, id`,
          [id],
        );
    return {
      id: r.id,
      orgId: r.org_id,
      pairingId: r.pairing_id,
      name: r.name,
      category: r.category,
      budgetFen: Number(r.budget_fen),
      beneficiaryHouseholds: r.beneficiary_households,
      status: r.status,
      lastStepOn: r.last_step_on,
      milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on, reachedOn: m.reached_on })),
    };
  }

  async saveStep(tx: Tx, p: Project, satisfaction?: string): Promise<void> {
    await tx.query(`update projects set status = $2, last_step_on = $3, satisfaction = coalesce($4, satisfaction) where id = $1`, [
      p.id,
      p.status,
      p.lastStepOn,
      satisfaction ?? null,
    ]);
  }

  async addMilestone(tx: Tx, projectId: string, m: Milestone): Promise<void> {
    await tx.query(`insert into milestones (id, project_id, title, due_on) values ($1, $2, $3, $4)`, [m.id, projectId, m.title, m.dueOn]);
  }

  async reachMilestone(tx: Tx, milestoneId: string, reachedOn: string): Promise<void> {
    await tx.query(`update milestones set reached_on = $2 where id = $1`, [milestoneId, reachedOn]);
  }
}

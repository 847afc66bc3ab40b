import { Inject, Injectable } from '@nestjs/common';
import { AssessmentNotFoundError } from '../assessments/assessment-access';
import type { AssessmentReplay } from '../assessments/assessment-replay';
import { OutOfScopeError, type CommandContext } from '../commands/command-context';
import {
  ASSESSMENT_READ_MODEL,
  type AssessmentReadModelPort,
  type AssessmentView,
  type TierChangeReport,
} from '../ports/assessment-read-model.port';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';

export const ASSESSMENT_REPLAYER = Symbol('ASSESSMENT_REPLAYER');

/** Replays the recorded assessment of a period from the store (null: none recorded). */
export interface AssessmentReplayerPort {
  replay(orgId: string, period: string): Promise<AssessmentReplay | null>;
}

/** Assessments and tier changes from their projection, and replays from the store, in the caller's subtree. */
@Injectable()
export class AssessmentQueries {
  constructor(
    @Inject(ASSESSMENT_READ_MODEL) private readonly views: AssessmentReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ASSESSMENT_REPLAYER) private readonly replayer: AssessmentReplayerPort,
  ) {}

  async ofOrganization(orgId: string, ctx: CommandContext): Promise<AssessmentView[]> {
    if (!this.tree.isWithin(ctx.caller.orgId, orgId)) throw new AssessmentNotFoundError(orgId);
    const views = await this.views.ofOrganization(orgId);
    if (views.length === 0) throw new AssessmentNotFoundError(orgId);
    return views;
  }

  list(q: { subtreeOf?: string; period: string; limit: number; offset: number }, ctx: CommandContext) {
    return this.views.list({ ...q, subtreeOf: this.subtree(q.subtreeOf, ctx) });
  }

  tierChanges(q: { subtreeOf?: string; period: string }, ctx: CommandContext): Promise<TierChangeReport> {
    return this.views.tierChanges({ period: q.period, subtreeOf: this.subtree(q.subtreeOf, ctx) });
  }

  async replay(orgId: string, period: string, ctx: CommandContext): Promise<AssessmentReplay> {
    const replay = this.tree.isWithin(ctx.caller.orgId, orgId) ? await this.replayer.replay(orgId, period) : null;
    if (!replay) throw new AssessmentNotFoundError(orgId);
    return replay;
  }

  private subtree(requested: string | undefined, ctx: CommandContext): string {
    const subtreeOf = requested ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return subtreeOf;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { massEvaluationDecider, type OpenMassEvaluation } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { memberActiveOrNotFound } from '../member-subject';
import { massEvaluationStream } from './mass-evaluation-access';

export type OpenMassEvaluationInput = Omit<OpenMassEvaluation['data'], 'windowId' | 'today' | 'actorOrgId' | 'orgPath' | 'decidedBy'>;

/** 群众评议: open a window for an organisation (or one of its members) the caller holds. */
@Injectable()
export class OpenMassEvaluationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  async execute(input: OpenMassEvaluationInput, ctx: CommandContext): Promise<{ windowId: string; version: number }> {
    if (input.subject.kind === 'organization' && input.subject.id !== input.orgId) {
      throw new DomainError(
        'MASS_EVALUATION.SUBJECT_ORG',
        'invalid',
        '评议党组织时 orgId 须为该组织 / for an organisation, orgId is the organisation evaluated',
      );
    }
    // Scope before existence, one answer for both, as the route documents it (404 "unknown, or outside
    // your subtree"). Not to keep ids secret: organisation ids are not (organization's own reads tell
    // unknown, 404, from elsewhere, 403; the benchmark, pioneer, training and inspection commands too).
    const orgPath = this.tree.isWithin(ctx.caller.orgId, input.orgId) ? await this.tree.readPath(input.orgId) : null;
    if (!orgPath) {
      throw new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${input.orgId}`);
    }
    await memberActiveOrNotFound(this.roster, input.subject, input.orgId);
    const windowId = this.ids.next();
    const stream = massEvaluationStream(windowId);
    const { state, version } = await this.streams.load(stream, massEvaluationDecider);
    const events = massEvaluationDecider.decide(
      {
        type: 'OpenMassEvaluation',
        data: { ...input, windowId, decidedBy: decidedBy(ctx), today: this.clock.today(), actorOrgId: ctx.caller.orgId, orgPath },
      },
      state,
    );
    return { windowId, version: await this.streams.append(stream, events, version, streamContext(ctx, input.orgId)) };
  }
}

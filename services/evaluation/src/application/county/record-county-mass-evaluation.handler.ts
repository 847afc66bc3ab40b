import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyMassEvaluationTallied } from '@vanguard/contracts';
import { dayRefusal, type CountyBatchHandler, type CountyMessage } from '@vanguard/county-inbound';
import { massTallyDecider, massTallyStream } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { COUNTY_MEMBER_LINKS, translateMembers, type CountyMemberLinksPort } from './county-member-links.port';
import { COUNTY_STREAMS, decideEach, refusalOf, type CountyStreamsPort } from './county-translation';

type Message = CountyMessage<ContractEvent<typeof CountyMassEvaluationTallied>>;

/**
 * county.MassEvaluationTallied → RecordMassEvaluationTally (群众评议 counted on paper by the
 * county), one `mass-tally-<subject>-<period>` stream per subject and period: a later count
 * replaces the recorded one, an older one is refused, a member is counted in their own branch.
 * The county system is recorded as the decider, for its county.
 */
@Injectable()
export class RecordCountyMassEvaluationHandler {
  constructor(
    @Inject(COUNTY_STREAMS) private readonly streams: CountyStreamsPort<unknown>,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(COUNTY_MEMBER_LINKS) private readonly links: CountyMemberLinksPort,
  ) {}

  readonly handle: CountyBatchHandler<unknown, Message['event']> = async (messages, tx) => {
    const members = await translateMembers(this.links, messages, (m) => m.event.data.memberId);
    return decideEach(tx, this.streams, massTallyDecider, messages, (m) => {
      const d = m.event.data;
      const memberId = members.memberOf(m);
      if (memberId === undefined) return { outcome: members.unlinked(m) };
      const badDay = dayRefusal({ heldOn: d.heldOn });
      if (badDay) return { outcome: badDay };
      const subject = memberId === null ? ({ kind: 'organization', id: d.orgId } as const) : ({ kind: 'member', id: memberId } as const);
      return {
        streamId: massTallyStream(subject.id, d.period),
        scopeOrgId: () => d.orgId,
        result: { subjectId: subject.id, period: d.period },
        command: async () => {
          const orgPath = await this.tree.readPath(d.orgId);
          if (!orgPath) return refusalOf(new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${d.orgId}`));
          const v = d.votes;
          return {
            type: 'RecordMassEvaluationTally' as const,
            data: {
              subject,
              orgId: d.orgId,
              period: d.period,
              heldOn: d.heldOn,
              ballotsIssued: d.ballotsIssued,
              ballotsReturned: d.ballotsReturned,
              tally: { satisfied: v.satisfied, basicallySatisfied: v.basically_satisfied, dissatisfied: v.dissatisfied },
              decidedBy: { sub: m.sender.sub, role: 'county_system', orgId: m.sender.countyOrgId },
              orgPath,
              memberInOrg: memberId === null ? null : await this.roster.isActiveMemberOf(memberId, d.orgId),
            },
          };
        },
      };
    });
  };
}

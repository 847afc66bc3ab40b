import { Inject, Injectable } from '@nestjs/common';
import type { CountyPledgeProgressReported, ContractEvent } from '@vanguard/contracts';
import { refused, type CountyBatchHandler, type CountyMessage } from '@vanguard/county-inbound';
import { pledgeDecider } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { PledgeNotFoundError, pledgeStream } from '../commands/pledge-access';
import { COUNTY_MEMBER_LINKS, translateMembers, type CountyMemberLinksPort } from './county-member-links.port';
import { COUNTY_STREAMS, decideEach, refusalOf, type CountyStreamsPort } from './county-translation';

type Message = CountyMessage<ContractEvent<typeof CountyPledgeProgressReported>>;

/**
 * county.PledgeProgressReported → 践诺 (ReportPledgeProgress) on the platform's pledge: the
 * items done over the items pledged become the percent the platform records, and the pledge's
 * own rules decide (published, never backwards). The pledge must be the one the county names:
 * same pledger (the linked member, or the organisation) and inside the county's subtree.
 */
@Injectable()
export class ReportCountyPledgeProgressHandler {
  constructor(
    @Inject(COUNTY_STREAMS) private readonly streams: CountyStreamsPort<unknown>,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(COUNTY_MEMBER_LINKS) private readonly links: CountyMemberLinksPort,
  ) {}

  readonly handle: CountyBatchHandler<unknown, Message['event']> = async (messages, tx) => {
    const members = await translateMembers(this.links, messages, (m) => m.event.data.memberId);
    return decideEach(tx, this.streams, pledgeDecider, messages, (m) => {
      const d = m.event.data;
      const memberId = members.memberOf(m);
      if (memberId === undefined) return { outcome: members.unlinked(m) };
      return {
        streamId: pledgeStream(d.pledgeId),
        scopeOrgId: (s) => s.orgId!,
        result: { pledgeId: d.pledgeId },
        command: (s) => {
          // Another county's pledge answers like no pledge at all, as it does over HTTP.
          if (s.status === 'none' || !s.orgId || !this.tree.isWithin(m.sender.countyOrgId, s.orgId))
            return refusalOf(new PledgeNotFoundError(d.pledgeId));
          const pledger = memberId === null ? { kind: 'organization', id: d.orgId } : { kind: 'member', id: memberId };
          if (s.pledger?.kind !== pledger.kind || s.pledger.id !== pledger.id || s.orgId !== d.orgId)
            return refused(
              'COUNTY.PLEDGER_MISMATCH',
              `承诺人与平台记录不符 / pledge ${d.pledgeId} was made by another pledger or organisation`,
            );
          return {
            type: 'ReportPledgeProgress' as const,
            data: { note: d.note, percent: Math.floor((100 * d.itemsCompleted) / d.itemsPledged), reportedBy: 'county' as const },
          };
        },
      };
    });
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { ContractEvent, CountyDemocraticReviewTallied } from '@vanguard/contracts';
import { dayRefusal, type CountyBatchHandler, type CountyMessage } from '@vanguard/county-inbound';
import { reviewDecider } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { ReviewNotFoundError, reviewStream } from '../reviews/review-access';
import { COUNTY_MEMBER_LINKS, translateMembers, type CountyMemberLinksPort } from './county-member-links.port';
import { COUNTY_STREAMS, decideEach, refusalOf, type CountyStreamsPort } from './county-translation';

type Message = CountyMessage<ContractEvent<typeof CountyDemocraticReviewTallied>>;

/**
 * county.DemocraticReviewTallied → 民主测评 (TallyPeerBallots) on the member's review of that
 * year, decided by the review's own rules: after the member's self-assessment, by the member's
 * own branch (the branch the county names must be it), no more ballots than the branch's active
 * members. The county system relays the branch's count: it is recorded as the decider
 * (`county_system`) acting for the branch it names, with the day it was counted; a later count
 * replaces the tally in force until the branch concludes (the contract's promise, ADR 0046).
 */
@Injectable()
export class TallyCountyDemocraticReviewHandler {
  constructor(
    @Inject(COUNTY_STREAMS) private readonly streams: CountyStreamsPort<unknown>,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(COUNTY_MEMBER_LINKS) private readonly links: CountyMemberLinksPort,
  ) {}

  readonly handle: CountyBatchHandler<unknown, Message['event']> = async (messages, tx) => {
    const members = await translateMembers(this.links, messages, (m) => m.event.data.memberId);
    return decideEach(tx, this.streams, reviewDecider, messages, (m) => {
      const d = m.event.data;
      const memberId = members.memberOf(m);
      if (!memberId) return { outcome: members.unlinked(m) };
      const badDay = dayRefusal({ heldOn: d.heldOn });
      if (badDay) return { outcome: badDay };
      return {
        streamId: reviewStream(memberId, d.year),
        scopeOrgId: (s) => s.orgId ?? d.orgId,
        result: { memberId, year: String(d.year) },
        command: async (s) => {
          const orgId = s.orgId ?? d.orgId;
          if (!this.tree.isWithin(m.sender.countyOrgId, orgId)) return refusalOf(new ReviewNotFoundError(memberId, d.year));
          const path = await this.tree.readPath(orgId);
          if (!path) return refusalOf(new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${orgId}`));
          const v = d.votes;
          return {
            type: 'TallyPeerBallots' as const,
            data: {
              memberId,
              year: d.year,
              tally: {
                excellent: v.excellent,
                qualified: v.qualified,
                basicallyQualified: v.basically_qualified,
                unqualified: v.unqualified,
              },
              activeMembers: (await this.roster.activeMemberIdsOf(orgId)).length,
              decidedBy: { sub: m.sender.sub, role: 'county_system', orgId: d.orgId },
              memberOrgPath: path,
              heldOn: d.heldOn,
            },
          };
        },
      };
    });
  };
}

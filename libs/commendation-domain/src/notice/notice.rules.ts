import { MAX_NOTICE_ENTRIES } from '@vanguard/contracts';
import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { AWARDING_ROLES, hasRole } from '../roles';
import type { NoticeCandidate } from './notice.commands';
import type { NoticeEntry, NoticeState } from './notice.state';

export class NoticeIsPublishedByTheAwardingBodyRule extends Rule {
  readonly id = 'commendation.notice.by-awarding-body';
  readonly code = 'NOTICE.NOT_AWARDING_BODY';
  readonly kind = 'forbidden';
  readonly message = '公示由表彰机关发布 / the awarding body publishes the notice';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly awardingOrgId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.orgId !== this.awardingOrgId || !hasRole(AWARDING_ROLES, this.decidedBy.role);
  }
}

/** The notice lists the programme's shortlist: at least one nomination, each shortlisted, each once. */
export class NoticeListsOnlyShortlistedNominationsRule extends Rule {
  readonly id = 'commendation.notice.shortlisted-only';
  readonly code = 'NOTICE.NOT_SHORTLISTED';
  readonly kind = 'rule';
  readonly message =
    '公示名单只能列入本次表彰经审核入围的推荐，且至少一个、不得重复 / the notice lists this programme’s shortlisted nominations, at least one, each once';
  constructor(
    private readonly programmeId: string,
    private readonly entries: readonly NoticeCandidate[],
  ) {
    super();
  }
  isBroken(): boolean {
    const ids = new Set(this.entries.map((e) => e.nominationId));
    return (
      this.entries.length === 0 ||
      ids.size !== this.entries.length ||
      this.entries.some((e) => e.status !== 'shortlisted' || e.programmeId !== this.programmeId)
    );
  }
}

/**
 * A notice lists at most {@link MAX_NOTICE_ENTRIES} nominations, what its event carries: a longer
 * one was recorded and shown but failed its contract, so it never reached the topic. A capacity,
 * not a judgement, so it is not recorded among a decision's checks (a replay of an earlier notice
 * runs the same rules as before).
 */
export class NoticeListsAtMostItsLimitRule extends Rule {
  readonly id = 'commendation.notice.at-most-entries';
  readonly code = 'NOTICE.TOO_LONG';
  readonly kind = 'rule';
  readonly message = `一次公示至多列入 ${MAX_NOTICE_ENTRIES} 个推荐，请按类别分批公示 / a notice lists at most ${MAX_NOTICE_ENTRIES} nominations: publish the programme in parts`;
  constructor(private readonly entries: number) {
    super();
  }
  isBroken(): boolean {
    return this.entries > MAX_NOTICE_ENTRIES;
  }
}

const shown = (e: Pick<NoticeEntry, 'nominationId' | 'category' | 'name' | 'orgName' | 'deedsSummary'>) =>
  JSON.stringify([e.nominationId, e.category, e.name, e.orgName, e.deedsSummary]);
const sameShortlist = (a: readonly NoticeEntry[], b: readonly NoticeCandidate[]) =>
  JSON.stringify(a.map(shown).sort()) === JSON.stringify(b.map(shown).sort());

/**
 * A notice is published again only when the shortlist changed (a nomination added or
 * withdrawn, or what is shown of one): then it runs a full period from the new start.
 */
export class NoticeIsRepublishedOnlyForAChangedShortlistRule extends Rule {
  readonly id = 'commendation.notice.republished-when-changed';
  readonly code = 'NOTICE.UNCHANGED';
  readonly kind = 'conflict';
  readonly message = '公示名单未变化，不需重新公示 / the shortlist has not changed since the last notice';
  constructor(
    private readonly state: NoticeState,
    private readonly entries: readonly NoticeCandidate[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.round > 0 && sameShortlist(this.state.entries, this.entries);
  }
}

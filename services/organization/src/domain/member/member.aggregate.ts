import { codePointLength } from '@vanguard/kernel';
import { AggregateRoot } from '../shared/aggregate-root';
import { checkRule } from '../shared/business-rule';
import type { Day } from '../shared/day';
import { PublishedReasonMustNotCarryPersonalNumbersRule, publishedTextCarriesNoPersonalNumbers } from '../shared/published-reason.rule';
import { DayMustExistRule } from '../shared/day-must-exist.rule';
import { DomainError } from '../shared/domain-error';
import type { Membership, MemberRole, MemberStatus, VanguardPost } from './member.vocabulary';
import { PersonalData } from './personal-data.value-object';
import { MemberCannotHoldTheSameRoleTwiceRule } from './rules/member-cannot-hold-the-same-role-twice.rule';
import { MemberCannotJoinInTheFutureRule } from './rules/member-cannot-join-in-the-future.rule';
import { MemberJoinsAtEighteenOrOlderRule } from './rules/member-joins-at-eighteen-or-older.rule';
import { MemberCannotLeaveBeforeTheLatestDayOfTheirHistoryRule } from './rules/member-cannot-leave-before-the-latest-day-of-their-history.rule';
import { MemberLeavesWithinMembershipRule } from './rules/member-leaves-within-membership.rule';
import { RosterKeepsTheJoiningDayRule } from './rules/roster-keeps-the-joining-day.rule';
import { MemberMustBeActiveRule } from './rules/member-must-be-active.rule';
import { MemberCannotBecomeFullInTheFutureRule } from './rules/member-cannot-become-full-in-the-future.rule';
import { MemberIsFullFromAYearAfterJoiningRule } from './rules/member-is-full-from-a-year-after-joining.rule';
import { MemberMustBeProbationaryRule } from './rules/member-must-be-probationary.rule';
import { FullMemberStaysFullRule } from './rules/full-member-stays-full.rule';
import { ProbationIsExtendedByAtMostAYearRule } from './rules/probation-is-extended-by-at-most-a-year.rule';

/**
 * The lines a leaving may not precede (ADR 0140): each records him acting as a member on its day.
 * `became_full` is the day probation ended, as the console records it (ADR 0154).
 * A restate's own lines are dated when the platform learned of a correction, not when it happened
 * (a roster states the record, not its dates), so they bound nothing: a county that drops a
 * leaver's roles and then sends his earlier leaving day is not refused for it (ADR 0150).
 */
export const BOUNDS_A_LEAVING = [
  'joined',
  'role_assigned',
  'post_granted',
  'transferred_out',
  'transferred_in',
  'left',
  'became_full',
] as const;

/** What a line of a member's history records: those above, and what a county's restate corrects (ADR 0150). */
export const MEMBERSHIP_HISTORY_KINDS = [...BOUNDS_A_LEAVING, 'renamed', 'status_changed', 'role_removed', 'post_removed'] as const;

/** One line of a member's organisational history; it travels with the member on transfer. */
export interface MembershipHistoryEntry {
  readonly on: Day;
  readonly kind: (typeof MEMBERSHIP_HISTORY_KINDS)[number];
  readonly orgId: string;
  readonly detail: string | null;
}

export interface MemberProps {
  readonly id: string;
  orgId: string;
  name: string;
  status: MemberStatus;
  readonly joinedOn: Day;
  roles: MemberRole[];
  posts: VanguardPost[];
  personal: PersonalData;
  membership: Membership;
  /**
   * As stored, in the order recorded; a county roster batch restores a member with his latest line
   * that bounds a leaving only (by day), the one his decisions read: the lines before it are stored
   * and never rewritten.
   */
  history: MembershipHistoryEntry[];
  version: number;
}

export interface EnrolMember {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly status: MemberStatus;
  readonly joinedOn: Day;
  readonly roles: readonly MemberRole[];
  readonly posts: readonly VanguardPost[];
  readonly idNumber?: string | null;
  readonly phone?: string | null;
}

/** What a county roster (花名册) states about a member it holds, beside the organisation. */
export interface RosterRecord {
  readonly name: string;
  readonly status: MemberStatus;
  /** As the county holds it: not restated (it begins the member's history), refused when it differs. */
  readonly joinedOn: Day;
  readonly roles: readonly MemberRole[];
  readonly posts: readonly VanguardPost[];
}

/** A party member (党员) of one organisation. */
export class Member extends AggregateRoot {
  private persistedHistory: number;

  private constructor(private readonly props: MemberProps) {
    super();
    this.persistedHistory = props.history.length;
  }

  static join(input: EnrolMember, today: Day): Member {
    checkRule(new DayMustExistRule(input.joinedOn, 'joinedOn'));
    checkRule(new MemberCannotJoinInTheFutureRule(input.joinedOn, today));
    const name = Member.validName(input.name);
    const personal = PersonalData.of(input.idNumber, input.phone, today);
    checkRule(new MemberJoinsAtEighteenOrOlderRule(personal.idNumber, input.joinedOn));
    if (input.status === 'full') checkRule(new MemberIsFullFromAYearAfterJoiningRule(input.joinedOn, today));
    const roles = [...new Set(input.roles)];
    const m = new Member({
      id: input.id,
      orgId: input.orgId,
      name,
      status: input.status,
      joinedOn: input.joinedOn,
      roles,
      posts: [...new Set(input.posts)],
      personal,
      membership: 'active',
      history: [],
      version: 0,
    });
    m.props.history.push({ on: input.joinedOn, kind: 'joined', orgId: input.orgId, detail: input.status });
    m.record({
      name: 'MemberJoined',
      stream: 'member',
      aggregateId: m.id,
      orgId: input.orgId,
      data: { memberId: m.id, orgId: input.orgId, name, status: input.status, joinedOn: input.joinedOn, roles },
    });
    return m;
  }

  /** A name as the roster shows it: trimmed, 1–100 characters. */
  private static validName(raw: string): string {
    const name = raw.trim();
    if (!name || codePointLength(name) > 100)
      throw new DomainError('MEMBER.NAME_INVALID', 'rule', '姓名须为 1–100 个字符 / name must be 1–100 characters');
    checkRule(publishedTextCarriesNoPersonalNumbers('MEMBER.NAME_HAS_PERSONAL_NUMBER', name, '姓名 / the name'));
    return name;
  }

  static restore(props: MemberProps): Member {
    return new Member({ ...props, roles: [...props.roles], posts: [...props.posts], history: [...props.history] });
  }

  assignRole(role: MemberRole, on: Day): void {
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    checkRule(new MemberCannotHoldTheSameRoleTwiceRule(this.props.roles, role));
    this.props.roles.push(role);
    this.props.history.push({ on, kind: 'role_assigned', orgId: this.props.orgId, detail: role });
    this.record({
      name: 'MemberRoleAssigned',
      stream: 'member',
      aggregateId: this.id,
      orgId: this.props.orgId,
      data: { memberId: this.id, orgId: this.props.orgId, role, assignedOn: on },
    });
  }

  /** 亮牌示范: the member takes a vanguard post; granting one already held changes and publishes nothing. */
  grantPost(post: VanguardPost, on: Day): void {
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    if (this.props.posts.includes(post)) return;
    this.props.posts.push(post);
    this.props.history.push({ on, kind: 'post_granted', orgId: this.props.orgId, detail: post });
    this.record({
      name: 'VanguardPostGranted',
      stream: 'member',
      aggregateId: this.id,
      orgId: this.props.orgId,
      data: { memberId: this.id, orgId: this.props.orgId, post, grantedOn: on },
    });
  }

  /** Completes a transfer: the member, with their history, now belongs to `toOrgId`. */
  transferTo(toOrgId: string, transferId: string, on: Day): void {
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    const fromOrgId = this.props.orgId;
    this.props.history.push({ on, kind: 'transferred_out', orgId: fromOrgId, detail: transferId });
    this.props.history.push({ on, kind: 'transferred_in', orgId: toOrgId, detail: transferId });
    this.props.orgId = toOrgId;
    this.record({
      name: 'MemberTransferred',
      stream: 'member',
      aggregateId: this.id,
      orgId: toOrgId,
      data: { transferId, memberId: this.id, fromOrgId, toOrgId, transferredOn: on },
    });
  }

  /** Merging organisations carries members over without a transfer procedure. */
  moveWithMergedOrganization(survivorId: string, on: Day): void {
    if (this.props.membership !== 'active') return;
    this.props.history.push({ on, kind: 'transferred_in', orgId: survivorId, detail: `merged from ${this.props.orgId}` });
    this.props.orgId = survivorId;
  }

  /**
   * 花名册同步: a county roster states the member's whole current record (name, status, roles,
   * posts) and the member takes it. Checked before anything changes, so a refusal leaves the
   * member as it was. Roles and posts the record adds are assigned and granted as usual (their
   * events, their history), and a 转正 is MemberBecameFull dated the day applied (ADR 0155); a
   * corrected name and roles or posts the record no longer lists have no event of their own: the
   * member-state topic carries the status, roles and posts (never a name), and each is a line of
   * his history (ADR 0150), the corrected name's with the name it replaced.
   * A move to another organisation is a transfer (MemberTransfer.recordedByRoster), not this; made
   * first, `heldIn` names the organisation he held what the record drops in.
   */
  restate(record: RosterRecord, on: Day, heldIn: string = this.props.orgId): void {
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    checkRule(new RosterKeepsTheJoiningDayRule(this.props.joinedOn, record.joinedOn));
    const name = Member.validName(record.name);
    checkRule(new FullMemberStaysFullRule(this.props.status, record.status));
    if (record.status === 'full' && this.props.status !== 'full')
      checkRule(new MemberIsFullFromAYearAfterJoiningRule(this.props.joinedOn, on));
    const roles = [...new Set(record.roles)];
    const posts = [...new Set(record.posts)];
    const line = (kind: MembershipHistoryEntry['kind'], detail: string, orgId = this.props.orgId) =>
      this.props.history.push({ on, kind, orgId, detail });
    if (name !== this.props.name) line('renamed', this.props.name);
    if (record.status !== this.props.status) line('status_changed', record.status);
    const becameFull = record.status === 'full' && this.props.status !== 'full';
    this.props.name = name;
    this.props.status = record.status;
    if (becameFull) this.recordBecameFull(on);
    for (const role of this.props.roles.filter((r) => !roles.includes(r))) line('role_removed', role, heldIn);
    const added = roles.filter((r) => !this.props.roles.includes(r));
    this.props.roles = this.props.roles.filter((r) => roles.includes(r));
    for (const role of added) this.assignRole(role, on);
    for (const post of this.props.posts.filter((p) => !posts.includes(p))) line('post_removed', post, heldIn);
    this.props.posts = this.props.posts.filter((p) => posts.includes(p));
    for (const post of posts) this.grantPost(post, on);
  }

  /**
   * 转正: the branch made the probationary member full, from `on`, the day his probation ended
   * (a year after joining, or at the end of an extension). A line of his history dated that day,
   * and MemberBecameFull, which the decision feed copies to his county (ADR 0155).
   */
  becomeFull(on: Day, today: Day): void {
    checkRule(new DayMustExistRule(on, 'fullOn'));
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    checkRule(new MemberMustBeProbationaryRule(this.props.status));
    checkRule(new MemberCannotBecomeFullInTheFutureRule(on, today));
    checkRule(new MemberIsFullFromAYearAfterJoiningRule(this.props.joinedOn, on));
    checkRule(new ProbationIsExtendedByAtMostAYearRule(this.props.joinedOn, on));
    this.props.status = 'full';
    this.props.history.push({ on, kind: 'became_full', orgId: this.organisationOn(on), detail: null });
    this.recordBecameFull(on);
  }

  /** Under the organisation he is in now, whatever the day: his county is the one to be told. */
  private recordBecameFull(fullOn: Day): void {
    this.record({
      name: 'MemberBecameFull',
      stream: 'member',
      aggregateId: this.id,
      orgId: this.props.orgId,
      data: { memberId: this.id, orgId: this.props.orgId, fullOn },
    });
  }

  /**
   * The organisation he belonged to on `day`: that of his latest joining or transfer (a merge's
   * too) on or before it, the last recorded of a day. A 转正 recorded after a transfer, dated
   * before it, belongs to the branch that made him full.
   */
  private organisationOn(day: Day): string {
    let orgId = this.props.orgId;
    let latest = '';
    for (const h of this.props.history)
      if ((h.kind === 'joined' || h.kind === 'transferred_in') && h.on <= day && h.on >= latest) [orgId, latest] = [h.orgId, h.on];
    return orgId;
  }

  leave(on: Day, today: Day, reason?: string): void {
    checkRule(new DayMustExistRule(on, 'leftOn'));
    checkRule(new MemberMustBeActiveRule(this.props.membership));
    checkRule(new MemberLeavesWithinMembershipRule(on, this.props.joinedOn, today));
    checkRule(new MemberCannotLeaveBeforeTheLatestDayOfTheirHistoryRule(on, this.latestHistoryLine()));
    checkRule(new PublishedReasonMustNotCarryPersonalNumbersRule('MEMBER.REASON_HAS_PERSONAL_NUMBER', reason));
    this.props.membership = 'left';
    this.props.history.push({ on, kind: 'left', orgId: this.props.orgId, detail: reason ?? null });
    this.record({
      name: 'MemberLeft',
      stream: 'member',
      aggregateId: this.id,
      orgId: this.props.orgId,
      data: { memberId: this.id, orgId: this.props.orgId, leftOn: on, ...(reason ? { reason } : {}) },
    });
  }

  /** The line bounding a leaving with the latest day (the last recorded of that day); none for no such line. */
  private latestHistoryLine(): MembershipHistoryEntry | undefined {
    return this.props.history.reduce<MembershipHistoryEntry | undefined>(
      (latest, h) => (!(BOUNDS_A_LEAVING as readonly string[]).includes(h.kind) ? latest : !latest || h.on >= latest.on ? h : latest),
      undefined,
    );
  }

  /** History entries not yet stored; the repository appends them and marks them stored. */
  unsavedHistory(): readonly MembershipHistoryEntry[] {
    return this.props.history.slice(this.persistedHistory);
  }

  markHistorySaved(): void {
    this.persistedHistory = this.props.history.length;
  }

  get id(): string {
    return this.props.id;
  }
  get orgId(): string {
    return this.props.orgId;
  }
  get name(): string {
    return this.props.name;
  }
  get status(): MemberStatus {
    return this.props.status;
  }
  get joinedOn(): Day {
    return this.props.joinedOn;
  }
  get roles(): readonly MemberRole[] {
    return this.props.roles;
  }
  get posts(): readonly VanguardPost[] {
    return this.props.posts;
  }
  get personal(): PersonalData {
    return this.props.personal;
  }
  get membership(): Membership {
    return this.props.membership;
  }
  get history(): readonly MembershipHistoryEntry[] {
    return this.props.history;
  }
  get version(): number {
    return this.props.version;
  }
}

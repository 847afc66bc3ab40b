import { AggregateRoot, type DomainEvent } from '../shared/aggregate-root';
import { checkRule } from '../shared/business-rule';
import type { Day } from '../shared/day';
import type { Member } from '../member/member.aggregate';
import { MemberMustBeActiveRule } from '../member/rules/member-must-be-active.rule';
import { OrganizationMustBeActiveRule } from '../organization/rules/organization-must-be-active.rule';
import type { Organization } from '../organization/organization.aggregate';
import { MemberCanHaveOnlyOneOpenTransferRule } from './rules/member-can-have-only-one-open-transfer.rule';
import { TransferDeadlineMustNotPrecedeTheRequestRule } from './rules/transfer-deadline-must-not-precede-the-request.rule';
import { MemberMustStillBelongToTheSendingOrganizationRule } from './rules/member-must-still-belong-to-the-sending-organization.rule';
import { RejectionReasonMustNotCarryPersonalNumbersRule } from './rules/rejection-reason-must-not-carry-personal-numbers.rule';
import { TransferMustBeInStateRule } from './rules/transfer-must-be-in-state.rule';
import { TransferMustNotTargetTheSameOrganizationRule } from './rules/transfer-must-not-target-the-same-organization.rule';

/** `cancelled`: ended without a decision, because what it was about went away (see TRANSFER_ENDINGS). */
export type TransferStatus = 'requested' | 'accepted' | 'rejected' | 'completed' | 'cancelled';

/** Still waiting for a decision or for completion: the member has at most one. */
export const OPEN_TRANSFER_STATUSES: readonly TransferStatus[] = ['requested', 'accepted'];

/**
 * Why a transfer ended without a decision, shown to both sides as its reason. Fixed texts: the
 * reason is shown in clear and must name no one.
 */
export const TRANSFER_ENDINGS = {
  memberLeft: '党员已离开党组织，转接随之终止 / the member left the party organisation; the transfer ended with it',
  mergedIntoOne:
    '转出组织与接收组织已合并为同一组织，无需再转接 / the sending and receiving organisations merged into one; there is nothing left to transfer',
  receiverDissolved: '接收组织已撤销，转接终止 / the receiving organisation was dissolved; the transfer ended',
} as const;

/** Which of TRANSFER_ENDINGS ended a transfer. */
export type TransferEnding = keyof typeof TRANSFER_ENDINGS;

/** How MemberTransferCancelled names each ending (its `reason`): a code, where the transfer keeps the text. */
export const TRANSFER_ENDING_CODES = {
  memberLeft: 'member_left',
  mergedIntoOne: 'merged_into_one',
  receiverDissolved: 'receiver_dissolved',
} as const satisfies Record<TransferEnding, string>;

/**
 * MemberTransferCancelled, on the member's stream like every step of the transfer: one shape
 * whether the aggregate ended the transfer or a county roster batch ended it in one statement.
 */
export function transferCancelled(
  t: { readonly id: string; readonly memberId: string; readonly fromOrgId: string; readonly toOrgId: string },
  on: Day,
  ending: TransferEnding,
): DomainEvent {
  return {
    name: 'MemberTransferCancelled',
    stream: 'member',
    aggregateId: t.memberId,
    orgId: t.fromOrgId,
    data: {
      transferId: t.id,
      memberId: t.memberId,
      fromOrgId: t.fromOrgId,
      toOrgId: t.toOrgId,
      cancelledOn: on,
      reason: TRANSFER_ENDING_CODES[ending],
    },
  };
}

export interface MemberTransferProps {
  readonly id: string;
  readonly memberId: string;
  /** Both sides follow a merge to the surviving organisation (followMerge). */
  fromOrgId: string;
  toOrgId: string;
  readonly requestedOn: Day;
  readonly deadline: Day;
  status: TransferStatus;
  decidedOn: Day | null;
  completedOn: Day | null;
  cancelledOn: Day | null;
  reason: string | null;
  version: number;
}

/** 组织关系转接: requested by the old organisation, accepted or rejected by the receiving one, then completed. */
export class MemberTransfer extends AggregateRoot {
  private constructor(private readonly props: MemberTransferProps) {
    super();
  }

  static request(input: {
    id: string;
    member: Member;
    to: Organization;
    requestedOn: Day;
    deadline: Day;
    openTransfersOfMember: number;
  }): MemberTransfer {
    const { member, to } = input;
    checkRule(new MemberMustBeActiveRule(member.membership));
    checkRule(new TransferMustNotTargetTheSameOrganizationRule(member.orgId, to.id));
    checkRule(new OrganizationMustBeActiveRule(to.status, '接收党员 / receive members'));
    checkRule(new MemberCanHaveOnlyOneOpenTransferRule(input.openTransfersOfMember));
    checkRule(new TransferDeadlineMustNotPrecedeTheRequestRule(input.requestedOn, input.deadline));
    const t = new MemberTransfer({
      id: input.id,
      memberId: member.id,
      fromOrgId: member.orgId,
      toOrgId: to.id,
      requestedOn: input.requestedOn,
      deadline: input.deadline,
      status: 'requested',
      decidedOn: null,
      completedOn: null,
      cancelledOn: null,
      reason: null,
      version: 0,
    });
    t.record({
      name: 'MemberTransferRequested',
      stream: 'member',
      aggregateId: member.id,
      orgId: member.orgId,
      data: { transferId: t.id, memberId: member.id, fromOrgId: member.orgId, toOrgId: to.id, requestedOn: input.requestedOn },
    });
    return t;
  }

  /**
   * 花名册同步: a county roster names another organisation of its own for the member. The county
   * ran the procedure in its own system, so the platform records it as a transfer completed on
   * `on` under the same rules as a request (active member, another and active organisation, no
   * transfer already open) and moves the member with the usual MemberTransferred.
   */
  static recordedByRoster(input: {
    id: string;
    member: Member;
    to: Pick<Organization, 'id' | 'status'>;
    on: Day;
    openTransfersOfMember: number;
  }): MemberTransfer {
    const { member, to, on } = input;
    checkRule(new MemberMustBeActiveRule(member.membership));
    checkRule(new TransferMustNotTargetTheSameOrganizationRule(member.orgId, to.id));
    checkRule(new OrganizationMustBeActiveRule(to.status, '接收党员 / receive members'));
    checkRule(new MemberCanHaveOnlyOneOpenTransferRule(input.openTransfersOfMember));
    const t = new MemberTransfer({
      id: input.id,
      memberId: member.id,
      fromOrgId: member.orgId,
      toOrgId: to.id,
      requestedOn: on,
      deadline: on,
      status: 'completed',
      decidedOn: on,
      completedOn: on,
      cancelledOn: null,
      reason: null,
      version: 0,
    });
    member.transferTo(to.id, t.id, on);
    return t;
  }

  static restore(props: MemberTransferProps): MemberTransfer {
    return new MemberTransfer({ ...props });
  }

  /** The receiving organisation must still be active: a member cannot be taken into a dissolved or merged one. */
  accept(receiver: Pick<Organization, 'status'>, on: Day): void {
    checkRule(new TransferMustBeInStateRule(this.props.status, 'requested', 'accept'));
    checkRule(new OrganizationMustBeActiveRule(receiver.status, '接收党员 / receive members'));
    this.props.status = 'accepted';
    this.props.decidedOn = on;
    this.record({
      name: 'MemberTransferAccepted',
      stream: 'member',
      aggregateId: this.props.memberId,
      orgId: this.props.fromOrgId,
      data: { ...this.parties(), acceptedOn: on },
    });
  }

  reject(on: Day, reason: string): void {
    checkRule(new TransferMustBeInStateRule(this.props.status, 'requested', 'reject'));
    checkRule(new RejectionReasonMustNotCarryPersonalNumbersRule(reason));
    this.props.status = 'rejected';
    this.props.decidedOn = on;
    this.props.reason = reason;
    this.record({
      name: 'MemberTransferRejected',
      stream: 'member',
      aggregateId: this.props.memberId,
      orgId: this.props.fromOrgId,
      data: { ...this.parties(), rejectedOn: on, reason },
    });
  }

  /** Who and where: the same in every event of the transfer, on the member's stream. */
  private parties() {
    const { id: transferId, memberId, fromOrgId, toOrgId } = this.props;
    return { transferId, memberId, fromOrgId, toOrgId };
  }

  /** Completes an accepted transfer; the member (and their history) moves to the receiving organisation. */
  complete(member: Member, receiver: Pick<Organization, 'status'>, on: Day): void {
    checkRule(new TransferMustBeInStateRule(this.props.status, 'accepted', 'complete'));
    checkRule(new OrganizationMustBeActiveRule(receiver.status, '接收党员 / receive members'));
    checkRule(new MemberMustStillBelongToTheSendingOrganizationRule(member.orgId, this.props.fromOrgId));
    this.props.status = 'completed';
    this.props.completedOn = on;
    member.transferTo(this.props.toOrgId, this.id, on);
  }

  /**
   * The organisation `absorbedId` merged into `survivorId`: its members, and so its side of every
   * open transfer, are the survivor's now. The transfer goes on between the survivor and the other
   * side, in the state it had (an accepted one is still accepted), and records nothing: consumers
   * re-point it from OrganizationMerged (ADR 0129). When both sides are now the survivor the member
   * is already where the transfer would take them, and it ends.
   */
  followMerge(absorbedId: string, survivorId: string, on: Day): void {
    if (!this.isOpen) return;
    if (this.props.fromOrgId === absorbedId) this.props.fromOrgId = survivorId;
    if (this.props.toOrgId === absorbedId) this.props.toOrgId = survivorId;
    if (this.props.fromOrgId === this.props.toOrgId) this.end(on, 'mergedIntoOne');
  }

  /** The member left (MemberLeft): there is no one left to transfer. */
  endBecauseTheMemberLeft(on: Day): void {
    this.end(on, 'memberLeft');
  }

  /** The receiving organisation was dissolved: it can neither accept nor receive the member any more. */
  endBecauseTheReceiverWasDissolved(on: Day): void {
    this.end(on, 'receiverDissolved');
  }

  /**
   * Ends an open transfer with the ending's text as its reason, and records MemberTransferCancelled
   * (ADR 0129): consumers that saw it requested hear that it ended. A closed one is left as it is,
   * and records nothing.
   */
  private end(on: Day, ending: TransferEnding): void {
    if (!this.isOpen) return;
    this.props.status = 'cancelled';
    this.props.cancelledOn = on;
    this.props.reason = TRANSFER_ENDINGS[ending];
    this.record(transferCancelled(this.props, on, ending));
  }

  get isOpen(): boolean {
    return OPEN_TRANSFER_STATUSES.includes(this.props.status);
  }

  isOverdue(today: Day): boolean {
    return this.isOpen && this.props.deadline < today;
  }

  get id(): string {
    return this.props.id;
  }
  get memberId(): string {
    return this.props.memberId;
  }
  get fromOrgId(): string {
    return this.props.fromOrgId;
  }
  get toOrgId(): string {
    return this.props.toOrgId;
  }
  get requestedOn(): Day {
    return this.props.requestedOn;
  }
  get deadline(): Day {
    return this.props.deadline;
  }
  get status(): TransferStatus {
    return this.props.status;
  }
  get decidedOn(): Day | null {
    return this.props.decidedOn;
  }
  get completedOn(): Day | null {
    return this.props.completedOn;
  }
  get cancelledOn(): Day | null {
    return this.props.cancelledOn;
  }
  get reason(): string | null {
    return this.props.reason;
  }
  get version(): number {
    return this.props.version;
  }
}

import { AggregateRoot } from '../shared/aggregate-root';
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

export type TransferStatus = 'requested' | 'accepted' | 'rejected' | 'completed';

export interface MemberTransferProps {
  readonly id: string;
  readonly memberId: string;
  readonly fromOrgId: string;
  readonly toOrgId: string;
  readonly requestedOn: Day;
  readonly deadline: Day;
  status: TransferStatus;
  decidedOn: Day | null;
  completedOn: Day | null;
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
    checkRule(new TransferMustBeInStateRule(this.props.status, 'requested', '接收 / accept'));
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
    checkRule(new TransferMustBeInStateRule(this.props.status, 'requested', '拒收 / reject'));
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
    checkRule(new TransferMustBeInStateRule(this.props.status, 'accepted', '办结 / complete'));
    checkRule(new OrganizationMustBeActiveRule(receiver.status, '接收党员 / receive members'));
    checkRule(new MemberMustStillBelongToTheSendingOrganizationRule(member.orgId, this.props.fromOrgId));
    this.props.status = 'completed';
    this.props.completedOn = on;
    member.transferTo(this.props.toOrgId, this.id, on);
  }

  isOverdue(today: Day): boolean {
    return (this.props.status === 'requested' || this.props.status === 'accepted') && this.props.deadline < today;
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
  get reason(): string | null {
    return this.props.reason;
  }
  get version(): number {
    return this.props.version;
  }
}

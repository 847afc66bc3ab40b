import type { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';

export const MEMBER_TRANSFER_REPOSITORY = Symbol('MemberTransferRepository');

export interface MemberTransferRepository {
  findById(id: string): Promise<MemberTransfer | null>;
  countOpenFor(memberId: string): Promise<number>;
  /** The member's open transfer (at most one), locked for the unit of work. */
  openOf(memberId: string): Promise<MemberTransfer | null>;
  /** Open transfers sending from or to `orgId`, locked for the unit of work in id order. */
  openInvolving(orgId: string): Promise<MemberTransfer[]>;
  /** Open transfers to `orgId`, locked for the unit of work in id order. */
  openTo(orgId: string): Promise<MemberTransfer[]>;
  save(transfer: MemberTransfer): Promise<void>;
}

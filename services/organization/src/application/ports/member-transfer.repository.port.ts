import type { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';

export const MEMBER_TRANSFER_REPOSITORY = Symbol('MemberTransferRepository');

export interface MemberTransferRepository {
  findById(id: string): Promise<MemberTransfer | null>;
  countOpenFor(memberId: string): Promise<number>;
  save(transfer: MemberTransfer): Promise<void>;
}

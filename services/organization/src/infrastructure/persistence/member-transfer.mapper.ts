import { MemberTransfer, type TransferStatus } from '../../domain/transfer/member-transfer.aggregate';
import { MemberTransferOrmEntity } from './member-transfer.orm-entity';

export const MemberTransferMapper = {
  toDomain(row: MemberTransferOrmEntity): MemberTransfer {
    return MemberTransfer.restore({ ...row, status: row.status as TransferStatus });
  },
  toOrm(t: MemberTransfer): MemberTransferOrmEntity {
    return Object.assign(new MemberTransferOrmEntity(), {
      id: t.id,
      memberId: t.memberId,
      fromOrgId: t.fromOrgId,
      toOrgId: t.toOrgId,
      requestedOn: t.requestedOn,
      deadline: t.deadline,
      status: t.status,
      decidedOn: t.decidedOn,
      completedOn: t.completedOn,
      cancelledOn: t.cancelledOn,
      reason: t.reason,
      version: t.version,
    });
  },
};

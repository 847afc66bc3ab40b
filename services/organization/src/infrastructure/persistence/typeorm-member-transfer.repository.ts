import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { MemberTransferRepository } from '../../application/ports/member-transfer.repository.port';
import { DomainError } from '../../domain/shared/domain-error';
import { OPEN_TRANSFER_STATUSES, type MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';
import { MemberCanHaveOnlyOneOpenTransferRule } from '../../domain/transfer/rules/member-can-have-only-one-open-transfer.rule';
import { BusinessRuleViolation } from '../../domain/shared/business-rule';
import { MemberTransferMapper } from './member-transfer.mapper';
import { MemberTransferOrmEntity } from './member-transfer.orm-entity';
import { isUniqueViolation } from './pg-errors';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

@Injectable()
export class TypeOrmMemberTransferRepository implements MemberTransferRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async findById(id: string): Promise<MemberTransfer | null> {
    const qb = this.uow.manager().getRepository(MemberTransferOrmEntity).createQueryBuilder('t').where('t.id = :id', { id });
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    return row ? MemberTransferMapper.toDomain(row) : null;
  }

  async openOf(memberId: string): Promise<MemberTransfer | null> {
    const [t] = await this.openWhere('t.memberId = :memberId', { memberId });
    return t ?? null;
  }

  openInvolving(orgId: string): Promise<MemberTransfer[]> {
    return this.openWhere('(t.fromOrgId = :orgId or t.toOrgId = :orgId)', { orgId });
  }

  openTo(orgId: string): Promise<MemberTransfer[]> {
    return this.openWhere('t.toOrgId = :orgId', { orgId });
  }

  /** In id order, so two commands locking several open transfers take them in the same order. */
  private async openWhere(condition: string, params: Record<string, string>): Promise<MemberTransfer[]> {
    const qb = this.uow
      .manager()
      .getRepository(MemberTransferOrmEntity)
      .createQueryBuilder('t')
      .where(condition, params)
      .andWhere('t.status in (:...open)', { open: OPEN_TRANSFER_STATUSES })
      .orderBy('t.id');
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    return (await qb.getMany()).map((row) => MemberTransferMapper.toDomain(row));
  }

  countOpenFor(memberId: string): Promise<number> {
    return this.uow
      .manager()
      .getRepository(MemberTransferOrmEntity)
      .count({ where: { memberId, status: In([...OPEN_TRANSFER_STATUSES]) } });
  }

  async save(t: MemberTransfer): Promise<void> {
    const repo = this.uow.manager().getRepository(MemberTransferOrmEntity);
    const row = MemberTransferMapper.toOrm(t);
    try {
      if (t.version === 0) {
        await repo.insert({ ...row, version: 1 });
        return;
      }
      const res = await repo.update({ id: row.id, version: row.version }, { ...row, version: row.version + 1 });
      if (res.affected !== 1)
        throw new DomainError(
          'TRANSFER.CONCURRENT_MODIFICATION',
          'conflict',
          '转接已被他人处理，请刷新 / the transfer was changed concurrently',
        );
    } catch (e) {
      // Two requests racing past the count: the partial unique index keeps one open transfer per member.
      if (isUniqueViolation(e, 'member_transfers_one_open_idx'))
        throw new BusinessRuleViolation(new MemberCanHaveOnlyOneOpenTransferRule(1));
      throw e;
    }
  }
}

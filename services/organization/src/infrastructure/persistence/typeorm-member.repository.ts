import { Injectable } from '@nestjs/common';
import type { MemberRepository } from '../../application/ports/member.repository.port';
import type { Member } from '../../domain/member/member.aggregate';
import { DomainError } from '../../domain/shared/domain-error';
import { MemberMapper } from './member.mapper';
import { MemberHistoryOrmEntity, MemberOrmEntity } from './member.orm-entity';
import { isUniqueViolation } from './pg-errors';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

@Injectable()
export class TypeOrmMemberRepository implements MemberRepository {
  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    private readonly mapper: MemberMapper,
  ) {}

  async findById(id: string): Promise<Member | null> {
    const manager = this.uow.manager();
    const qb = manager.getRepository(MemberOrmEntity).createQueryBuilder('m').where('m.id = :id', { id });
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) return null;
    const history = await manager.getRepository(MemberHistoryOrmEntity).find({ where: { memberId: id }, order: { id: 'ASC' } });
    return this.mapper.toDomain(row, history);
  }

  async activeOf(orgId: string): Promise<Member[]> {
    const rows = await this.uow
      .manager()
      .getRepository(MemberOrmEntity)
      .find({ where: { orgId, membership: 'active' }, select: { id: true } });
    const out: Member[] = [];
    for (const r of rows) {
      const m = await this.findById(r.id);
      if (m) out.push(m);
    }
    return out;
  }

  async save(member: Member): Promise<void> {
    const manager = this.uow.manager();
    const row = this.mapper.toOrm(member);
    try {
      if (member.version === 0) {
        await manager.getRepository(MemberOrmEntity).insert({ ...row, version: 1 });
      } else {
        const res = await manager
          .getRepository(MemberOrmEntity)
          .update({ id: row.id, version: row.version }, { ...row, version: row.version + 1 });
        if (res.affected !== 1)
          throw new DomainError(
            'MEMBER.CONCURRENT_MODIFICATION',
            'conflict',
            '党员信息已被他人修改，请重试 / the member was changed concurrently; retry',
          );
      }
    } catch (e) {
      if (isUniqueViolation(e, 'members_id_number_hash_key')) {
        throw new DomainError(
          'MEMBER.ID_NUMBER_TAKEN',
          'conflict',
          '该身份证号已登记为在册党员 / a member with this ID number is already registered',
        );
      }
      throw e;
    }
    const unsaved = member.unsavedHistory();
    if (unsaved.length) {
      await manager
        .getRepository(MemberHistoryOrmEntity)
        .insert(unsaved.map((h) => ({ memberId: member.id, onDay: h.on, kind: h.kind, orgId: h.orgId, detail: h.detail })));
      member.markHistorySaved();
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { ContactPointRepository } from '../../application/ports/contact-point.repository.port';
import { ContactPoint } from '../../domain/contact-point/contact-point.aggregate';
import { ContactPointOrmEntity, ContactPointVisitOrmEntity } from './contact-point.orm-entity';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

@Injectable()
export class TypeOrmContactPointRepository implements ContactPointRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async findById(id: string): Promise<ContactPoint | null> {
    const manager = this.uow.manager();
    const qb = manager.getRepository(ContactPointOrmEntity).createQueryBuilder('c').where('c.id = :id', { id });
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) return null;
    const visits = await manager
      .getRepository(ContactPointVisitOrmEntity)
      .find({ where: { contactPointId: id }, order: { visitedOn: 'ASC' } });
    return ContactPoint.restore({
      ...row,
      visits: visits.map(({ id: vid, visitedOn, visited, solved }) => ({ id: vid, visitedOn, visited, solved })),
    });
  }

  async save(cp: ContactPoint): Promise<void> {
    const manager = this.uow.manager();
    await manager
      .getRepository(ContactPointOrmEntity)
      .upsert({ id: cp.id, orgId: cp.orgId, leaderId: cp.leaderId, leaderName: cp.leaderName, establishedOn: cp.establishedOn }, ['id']);
    const visits = cp.unsavedVisits();
    if (visits.length) {
      await manager.getRepository(ContactPointVisitOrmEntity).insert(visits.map((v) => ({ ...v, contactPointId: cp.id })));
      cp.markVisitsSaved();
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Actor } from '../../application/ports/actor';
import type { IdNumberChecks, IdNumberHolder } from '../../application/ports/id-number-checks.port';
import { idNumberCheckLimits } from '../../application/roster/id-number-checks';
import { TypeOrmUnitOfWork } from '../persistence/typeorm-unit-of-work';
import { PgIdNumberChecks } from './pg-id-number-checks';

/**
 * Single enrolment's side of the ID-number record (ADR 0011): the same lookup, record and
 * budget as member imports (PgIdNumberChecks); the hold joins the enrolment's transaction.
 */
@Injectable()
export class PgEnrolmentIdNumberChecks implements IdNumberChecks {
  private readonly checks: PgIdNumberChecks;

  constructor(
    ds: DataSource,
    private readonly uow: TypeOrmUnitOfWork,
  ) {
    this.checks = new PgIdNumberChecks(() => (ds.driver as unknown as { master: Pool }).master, idNumberCheckLimits());
  }

  checkEnrolment(checkId: string, actor: Actor, idNumberHash: string): Promise<IdNumberHolder | null> {
    return this.checks.checkEnrolment(checkId, actor, idNumberHash);
  }

  holdEnrolment(checkId: string, actor: Actor, orgId: string, holder: IdNumberHolder): Promise<void> {
    return this.checks.hold(this.uow.manager(), checkId, actor, [{ row: 1, orgId, existingMemberId: holder.memberId }]);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { checkedTransaction } from '@vanguard/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import type { UnitOfWork } from '../../application/ports/unit-of-work.port';

/**
 * One transaction per command: the manager travels in AsyncLocalStorage, so repositories
 * and the outbox adapter join the transaction without it appearing in the ports.
 */
@Injectable()
export class TypeOrmUnitOfWork implements UnitOfWork {
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return work();
    // Checked: a statement that failed and was caught (a repository maps unique violations to
    // domain errors, and a caller may catch those) leaves the transaction aborted, and Postgres
    // answers COMMIT with ROLLBACK without raising. Plain `dataSource.transaction` would report
    // the command done with nothing stored; this throws CommitRolledBackError instead.
    return checkedTransaction(this.dataSource, async (manager) => ({
      commit: true,
      result: await this.current.run(manager, work),
    }));
  }

  /** The transaction's manager, or the pool's outside a unit of work. */
  manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }
}

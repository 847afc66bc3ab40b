import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@vanguard/contracts';
import { OutboxWriter, type OutboxOptions } from './outbox';
import { outboxTableDdl, type OutboxTableOptions } from './outbox.schema';

/**
 * Outbox for TypeORM services: `outbox.add(manager, event)` inside
 * `dataSource.transaction(async (manager) => …)` (or a QueryRunner's transaction), so the
 * events commit or roll back with the state change.
 */
export class TypeOrmOutbox {
  private readonly writer: OutboxWriter;

  constructor(options: OutboxOptions) {
    this.writer = new OutboxWriter(options);
  }

  async add(manager: EntityManager | QueryRunner, ...events: EventEnvelope[]): Promise<void> {
    const runner = 'isTransactionActive' in manager ? manager : manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('TypeOrmOutbox.add must run inside a transaction (dataSource.transaction or queryRunner.startTransaction)');
    }
    await this.writer.write({ query: (sql, params) => runner.query(sql, params) }, events);
  }

  /** `OutboxWriter.numberedCtes`: the event's numbered write as CTEs of a statement of the caller's (no transaction needed). */
  numberedCtes(event: EventEnvelope, at: { after: string; firstParam: number; name?: string }): { sql: string; params: unknown[] } {
    return this.writer.numberedCtes(event, at);
  }
}

/**
 * A TypeORM migration class creating the outbox table; add it to the DataSource's
 * `migrations`. `timestamp` keeps its place among the service's own migrations.
 */
export function outboxMigration(timestamp: number, options: OutboxTableOptions = {}): new () => MigrationInterface {
  // TypeORM orders migrations by a JavaScript timestamp (ms, 13 digits) at the end of the name.
  if (!/^\d{13}$/.test(String(timestamp))) throw new Error(`migration timestamp must be Date.now()-style, got ${timestamp}`);
  const name = `VanguardOutbox${timestamp}`;
  return class OutboxMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of outboxTableDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists ${options.schema ? `"${options.schema}".` : ''}"${options.table ?? 'vanguard_outbox'}"`);
    }
  };
}

import type { QueryRunner } from 'typeorm';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { evaluationMigrations } from '../../src/infrastructure/migrations';
import { evaluationStoreIndexes } from '../../src/infrastructure/migrations/store-indexes';

export const storeContext: AppendContext = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'relay-rebuild-test',
};

/**
 * A schema of the suite's own holding an evaluation store and the service's read side, as
 * `npm run migrate` builds them (migrations run by hand, with the pool's search_path).
 */
export async function evaluationStoreSchema(prefix: string): Promise<{ db: TestSchema; store: PostgresEventStore }> {
  const db = await createTestSchema(prefix);
  await migrate(db.pool, { schema: db.schema });
  for (const sql of evaluationStoreIndexes(db.schema)) await db.pool.query(sql);
  const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as unknown as QueryRunner;
  for (const M of evaluationMigrations) await new M().up(runner);
  return { db, store: new PostgresEventStore(db.pool, { schema: db.schema }) };
}

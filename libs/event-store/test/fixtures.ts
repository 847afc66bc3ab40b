import { Pool } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { infraConfig } from '@vanguard/infra-config';
import { migrate, PostgresEventStore, type AppendContext, type Clock, type EventStoreOptions, type NewEvent } from '../src';

export const context: AppendContext = {
  actor: { sub: 'user-1', roles: ['organizer'], orgId: 'org-1', kind: 'user' },
  orgId: 'org-1',
  correlationId: 'corr-1',
  causationId: null,
};

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2024-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = new Date(iso);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export function counted(type = 'test.Counted', n = 1): NewEvent<{ n: number }> {
  return { type, data: { n } };
}

export interface StoreFixture {
  db: TestSchema;
  store(options?: Omit<EventStoreOptions, 'schema'>): PostgresEventStore;
  /** A superuser pool on the test database (for tampering and roles). */
  admin: Pool;
  close(): Promise<void>;
}

export async function storeFixture(name: string): Promise<StoreFixture> {
  const db = await createTestSchema(name);
  await migrate(db.pool, { schema: db.schema });
  const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 2 });
  return {
    db,
    admin,
    store: (options = {}) => new PostgresEventStore(db.pool, { schema: db.schema, ...options }),
    async close() {
      await db.drop();
      await admin.end();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';

export interface TestSchema {
  readonly pool: Pool;
  /** The schema this suite owns; dropped by `drop()`. */
  readonly schema: string;
  /** Connection string whose search_path is the suite's schema. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Gives a suite its own schema in the test database, so suites run side by side
 * without seeing each other's rows, and never touch the platform's own database.
 */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const schema = `t_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const base = infraConfig().testDatabaseUrl;
  const admin = new Pool({ connectionString: base, max: 1 });
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new Pool({ connectionString: url.toString(), max: 10 });
  return {
    pool,
    schema,
    url: url.toString(),
    async drop() {
      await pool.end();
      const a = new Pool({ connectionString: base, max: 1 });
      try {
        await a.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await a.end();
      }
    },
  };
}

/**
 * Sets every planner setting (`pg_settings` category "Query Tuning": costs, `enable_*`, parallel
 * workers, `work_mem`…) to Postgres's built-in value for the rest of the transaction `db` has
 * open, whatever postgresql.conf, the role, the database or PGOPTIONS say: for specs that hold a
 * statement to the plan shape it must keep, which those settings would otherwise decide.
 */
export async function useBuiltInPlannerSettings(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  await db.query(
    `select set_config(name, boot_val, true) from pg_settings
      where (category like 'Query Tuning%' or name = 'work_mem') and context = 'user' and boot_val is not null`,
  );
}

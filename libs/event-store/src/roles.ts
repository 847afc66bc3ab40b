import type { Pool, PoolClient } from 'pg';
import { assertIdentifier } from './schema';

export interface RoleOptions {
  readonly schema: string;
  readonly role: string;
  /** With a password the role can log in; without one it is a group role to grant to login roles. */
  readonly password?: string;
}

/**
 * The role a service's code connects as: INSERT/SELECT on events (never UPDATE/DELETE/
 * TRUNCATE), what appending, subscriptions, snapshots and forgetting need on the rest.
 */
export async function createServiceRole(pool: Pool | PoolClient, options: RoleOptions): Promise<void> {
  const s = `"${assertIdentifier(options.schema, 'schema')}"`;
  const r = `"${assertIdentifier(options.role, 'role')}"`;
  await ensureRole(pool, options);
  await pool.query(`
    grant usage on schema ${s} to ${r};
    revoke all on ${s}.events from ${r};
    grant select, insert on ${s}.events to ${r};
    grant select on ${s}.events_view to ${r};
    grant usage on sequence ${s}.events_position_seq to ${r};
    grant select, insert, update on ${s}.streams to ${r};
    grant select, insert, update on ${s}.subscription_checkpoints to ${r};
    grant select, insert, update, delete on ${s}.snapshots to ${r};
    grant select, insert, update on ${s}.personal_keys to ${r};
    grant execute on function ${s}.append_events(text, text, bigint, text[], text[]) to ${r};
    grant execute on function ${s}.append_events_many(text[], text[], bigint[], int[], text[], text[]) to ${r};
  `);
}

/**
 * For auditors: SELECT on the store, never on the subject keys (even wrapped, they are not
 * an auditor's to hold): read with `personalData: 'withheld'`. Revokes what older versions granted.
 */
export async function createReadOnlyRole(pool: Pool | PoolClient, options: RoleOptions): Promise<void> {
  const s = `"${assertIdentifier(options.schema, 'schema')}"`;
  const r = `"${assertIdentifier(options.role, 'role')}"`;
  await ensureRole(pool, options);
  await pool.query(`
    grant usage on schema ${s} to ${r};
    revoke all on ${s}.personal_keys from ${r};
    grant select on ${s}.events, ${s}.events_view, ${s}.streams, ${s}.snapshots, ${s}.subscription_checkpoints to ${r};
  `);
}

async function ensureRole(pool: Pool | PoolClient, options: RoleOptions): Promise<void> {
  const exists = await pool.query('select 1 from pg_roles where rolname = $1', [options.role]);
  const r = `"${options.role}"`;
  if (exists.rowCount === 0) {
    await pool.query(`create role ${r} ${options.password === undefined ? 'nologin' : 'login'}`).catch((e: { code?: string }) => {
      if (e.code !== '42710') throw e; // created concurrently
    });
  }
  if (options.password !== undefined) {
    const { rows } = await pool.query<{ q: string }>('select quote_literal($1) as q', [options.password]);
    await pool.query(`alter role ${r} login password ${rows[0]!.q}`);
  }
}

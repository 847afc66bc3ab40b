import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { heardPool } from '@vanguard/observability';

/** A verification's own connection (read-only role), named so that it can be found and cancelled. */
export interface VerificationConnection {
  readonly pool: Pool;
  /** Cancels its running statement and closes it: the connection is back with Postgres at once. */
  close(): Promise<void>;
}

export const VERIFICATION_CONNECTIONS = Symbol('VERIFICATION_CONNECTIONS');
/** A pool of `size` connections (default one) for one piece of long work. */
export type VerificationConnections = (size?: number) => VerificationConnection;

/**
 * Long reads hold a connection for as long as a statement runs, and a client that leaves cannot
 * stop a statement already sent: only `pg_cancel_backend` can (ADR 0019). Each verification
 * therefore reads on a pool of its own (one connection unless it asks for more) with its own
 * application_name, and ending it cancels whatever those connections run — through `control`, a connection of the same role, since a role
 * may cancel its own backends.
 */
export function verificationConnections(readerUrl: string, control: Pool): VerificationConnections {
  return (size = 1) => {
    const name = `audit-verify-${randomUUID()}`;
    const pool = heardPool(name, { connectionString: readerUrl, max: size, application_name: name, connectionTimeoutMillis: 3000 });
    let closed: Promise<void> | null = null;
    return {
      pool,
      close: () =>
        (closed ??= (async () => {
          await control
            .query(`select pg_cancel_backend(pid) from pg_stat_activity where application_name = $1 and usename = current_user`, [name])
            .catch(() => undefined);
          await pool.end();
        })()),
    };
  };
}

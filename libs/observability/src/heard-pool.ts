import { Logger } from '@nestjs/common';
import { Pool, type ClientBase, type PoolConfig } from 'pg';

/**
 * A service's Postgres pool that hears its idle connections fail. pg-pool re-emits an idle
 * client's error (the database restarted, an operator ended the session, a failover) as the
 * pool's `error` event, and an unheard `error` event ends a Node process: every service with a
 * bare pool went down with its database's restart. Heard, the dead connection is dropped and the
 * pool opens another when next asked. Its connections taken out hear their own errors too
 * (`hearsItsOwnErrors`).
 */
export function heardPool(name: string, config: PoolConfig): Pool {
  const given = config.onConnect;
  const pool = new Pool({
    ...config,
    onConnect: (client) => {
      hearsItsOwnErrors(client);
      return given?.(client);
    },
  });
  const log = new Logger(name);
  pool.on('error', (e) => log.warn(`an idle connection of the ${name} pool failed (${e.message}); the next query opens another`));
  return pool;
}

const CONNECTIONS = new Logger('Postgres connections');

/**
 * A pool's `onConnect` (pg-pool), for every pool a service keeps, TypeORM's among them (`extra`):
 * a connection taken out of the pool has no listener of the pool's, and one that breaks mid-query
 * (a route dropped, Postgres killed, a relay cut) fails its query and then emits `error`, which
 * unheard ended the process. Heard from its first moment; the query's own failure is what its
 * caller sees, and pg-pool closes the broken connection when it comes back.
 */
export function hearsItsOwnErrors(client: ClientBase): void {
  // Said, not only heard: a session lock held on it (a rebuild's) is gone with it.
  client.on('error', (e) => CONNECTIONS.warn(`a Postgres connection failed (${e.message}); its statement fails, the pool drops it`));
}

import { Logger } from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';

/**
 * A service's Postgres pool that hears its idle connections fail. pg-pool re-emits an idle
 * client's error (the database restarted, an operator ended the session, a failover) as the
 * pool's `error` event, and an unheard `error` event ends a Node process: every service with a
 * bare pool went down with its database's restart. Heard, the dead connection is dropped and the
 * pool opens another when next asked.
 */
export function heardPool(name: string, config: PoolConfig): Pool {
  const pool = new Pool(config);
  const log = new Logger(name);
  pool.on('error', (e) => log.warn(`an idle connection of the ${name} pool failed (${e.message}); the next query opens another`));
  return pool;
}

import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil } from '@vanguard/testing';
import { heardPool } from '../src/heard-pool';

// A database restart, a failover or an operator's pg_terminate_backend ends a pool's idle
// connections; a bare pg Pool re-emits that as an unheard `error` event and the process ends.
describe(heardPool.name, () => {
  const url = infraConfig().testDatabaseUrl;
  const admin = new Pool({ connectionString: url, max: 1 });
  afterAll(() => admin.end());

  it('OutlivesItsIdleConnectionsBeingEnded_AndAnswersTheNextQueryOnANewOne', async () => {
    const name = `heard-pool-${randomUUID()}`;
    const pool = heardPool('test', { connectionString: url, max: 2, application_name: name });
    try {
      const before = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [name]);
      // The pool drops the ended connection once it hears of it; the process is still here to see it.
      await waitUntil('the pool to drop its ended connection', () => pool.totalCount === 0, { timeoutMs: 10_000 });
      const after = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
      expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
    } finally {
      await pool.end();
    }
  });
});

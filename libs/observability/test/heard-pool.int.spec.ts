import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { CuttingProxy, cutInUse, waitUntil } from '@vanguard/testing';
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

  // A connection taken out hears its own error: one cut mid-query ended the process (a cold review).
  it('OutlivesAConnectionTakenOutBeingCutMidQuery_ItsQueryFailsAndTheNextGoesThrough', async () => {
    const target = new URL(url);
    const proxy = await CuttingProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const pool = heardPool('test', { connectionString: viaProxy.toString(), max: 2 });
    try {
      expect([await cutInUse(proxy, pool), proxy.cuts]).toEqual(['Connection terminated unexpectedly', 1]);
      // The process heard the connection's error event and is still here; the pool opens another.
      expect((await pool.query<{ n: number }>('select 1 as n')).rows[0]!.n).toBe(1);
    } finally {
      await pool.end();
      await proxy.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil } from '@vanguard/testing';
import { BACKSTOP_TIMEOUT_MS, QueryStopped, stoppable } from '../src/infrastructure/stoppable-query';

// A download's read (ADR 0139) against the real server: a caller gone between two statements runs
// no further one, and a read that names no timeout still has one, for when no cancel can be sent.
describe(stoppable.name, () => {
  const url = infraConfig().testDatabaseUrl;
  // A role allowed one connection: the cancel, which needs a connection of its own, is refused, as
  // on a server out of connections. What ends a read then is the read's own doing.
  const role = `stoppable_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  let admin: Pool;
  let pool: Pool;
  beforeAll(async () => {
    admin = new Pool({ connectionString: url, max: 1 });
    // A password, as a server that asks for one (docker-compose's) needs; the admin's is not the role's.
    await admin.query(`create role ${role} login password 'stoppable' connection limit 1`);
    const own = new URL(url);
    own.username = role;
    own.password = 'stoppable';
    pool = new Pool({ connectionString: own.toString(), max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.query(`drop role if exists ${role}`);
    await admin?.end();
  });

  it('runs no statement once the caller has left between two, even with no connection to cancel from', async () => {
    const gone = new AbortController();
    const read = stoppable(pool, { signal: gone.signal }, async (c) => {
      await c.query('select 1');
      // The caller leaves while nothing runs: a cancel could not reach a statement now anyway.
      gone.abort();
      await c.query('select 2');
      return 'read to the end';
    });
    await expect(read).rejects.toEqual(new QueryStopped('cancelled'));
    // The connection a cancel was tried on is closed, not kept idle in its transaction: the pool
    // lets it go, and the server's session ends (a moment later: wait for it).
    expect(pool.totalCount).toBe(0);
    await waitUntil(
      'the session to end',
      async () => (await admin.query(`select 1 from pg_stat_activity where usename = $1`, [role])).rowCount === 0,
    );
  });

  it('gives a read that names no timeout the backstop: with no connection to cancel from, only it ends a statement', async () => {
    const shown = await stoppable(
      pool,
      {},
      async (c) => (await c.query<{ t: string }>("select current_setting('statement_timeout') as t")).rows[0]!.t,
    );
    expect(shown).toBe(`${BACKSTOP_TIMEOUT_MS / 60_000}min`);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { AdvisoryLease } from '../src';

// The lease's session carries both the holder's statements and the heartbeat's checks. A check
// that fired while a statement was still running was a second query on a busy pg client:
// queued by pg@8 with a deprecation warning (the relays and the roster-state publisher printed
// it under load), refused by pg@9. They now go one after another.
describe(`${AdvisoryLease.name} session`, () => {
  let db: TestSchema;
  const NAME = 'lease-session-test';
  /** Statements sent on the lease's session while it was still busy with another (pg's own state, read at the call). */
  let overlapping = 0;
  type PgInternals = { connectionParameters?: { application_name?: string }; _activeQuery?: unknown; _queryQueue?: unknown[] };
  const query = Client.prototype.query;

  beforeAll(async () => {
    db = await createTestSchema('lease_session');
    Client.prototype.query = function (this: Client & PgInternals, ...args: unknown[]) {
      if (this.connectionParameters?.application_name === NAME && (this._activeQuery || this._queryQueue?.length)) overlapping += 1;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
  });
  afterAll(async () => {
    Client.prototype.query = query;
    await db?.drop();
  });

  it('onSession_WhileHeartbeatsFallDuringLongStatements_SendsOneStatementAtATimeAndStaysHeld', async () => {
    // Heartbeat every 800 ms, trusted for 2 s: ten rounds of 150–300 ms statements keep the session busy across
    // several checks, and a loaded machine still answers each check within its trust.
    const lease = new AdvisoryLease(db.pool, ['test-lease-session', randomUUID()], NAME, undefined, 4000);
    try {
      expect(await lease.tryAcquire()).toBe(true);
      const backend = async () => (await lease.onSession<{ pid: number }>('select pg_backend_pid() as pid', [])).rows[0]!.pid;
      const pid = await backend();
      for (let i = 0; i < 10; i++) {
        const [slept] = await Promise.all([
          lease.onSession<{ ok: boolean }>('select pg_sleep($1::float8 / 1000) is not null as ok', [150 + Math.floor(Math.random() * 150)]),
          lease.onSession<{ n: number }>('select 1 as n', []),
        ]);
        expect(slept.rows[0]!.ok).toBe(true);
      }
      expect(lease.held).toBe(true);
      expect(await backend()).toBe(pid);
      expect(overlapping).toBe(0);
    } finally {
      await lease.release();
    }
  });
});

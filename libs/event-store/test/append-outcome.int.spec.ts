import { Pool } from 'pg';
import { CuttingProxy, waitUntil } from '@vanguard/testing';
import { backendPid, DeciderStreams, PostgresEventStore, type AppendResult } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

/** Settles each append to its result or its error's code, so one assertion shows what every caller was told. */
const told = (p: Promise<AppendResult>) =>
  p.then(
    (r) => ({ version: r.nextExpectedVersion }),
    (e: { code?: string; message?: string }) => ({ error: e.code ?? e.message }),
  );

describe(`${PostgresEventStore.name} group commit when the connection breaks`, () => {
  let f: StoreFixture;
  let proxy: CuttingProxy;
  let pool: Pool;
  const APP = `es-outcome-${process.pid}-${Date.now()}`;
  beforeAll(async () => {
    f = await storeFixture('es_outcome');
    const url = new URL(f.db.url);
    proxy = await CuttingProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    // Named, so the suite finds its own waiting backends and never another suite's (lanes run side by side).
    pool = new Pool({ connectionString: url.toString(), max: 6, application_name: APP });
    pool.on('error', () => undefined); // the cut connection's idle error
  });
  afterAll(async () => {
    await pool.end();
    await proxy.close();
    await f.close();
  });

  /** Holds inserts into events until released, so the next appends queue up as one group. */
  async function holdInserts(): Promise<() => Promise<void>> {
    const blocker = await f.admin.connect();
    await blocker.query('begin');
    await blocker.query(`lock table "${f.db.schema}".events in share mode`);
    return async () => {
      await blocker.query('commit');
      blocker.release();
    };
  }

  it('tells callers whose group committed before the connection broke that their appends are stored, once', async () => {
    const sut = new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: { maxInFlight: 1 } });
    const release = await holdInserts();
    const first = sut.append('cut-first', [counted()], { expectedVersion: 'no_stream', context });
    await waitUntil('the first append to wait for the lock', async () => {
      const { rows } = await f.admin.query(
        `select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock' and query like '%append_events_many%'`,
        [APP],
      );
      return rows.length > 0;
    });
    const b = told(sut.append('cut-b', [counted()], { expectedVersion: 'no_stream', context }));
    const c = told(sut.append('cut-c', [counted(), counted()], { expectedVersion: 'any', context }));
    proxy.cutAfterAnswerTo('cut-b');
    await release();
    await first;

    expect({ b: await b, c: await c }).toEqual({ b: { version: 1 }, c: { version: 2 } });
    expect(proxy.cuts).toBe(1);
    const { rows } = await f.admin.query<{ stream_id: string; n: string }>(
      `select stream_id, count(*)::text as n from "${f.db.schema}".events where stream_id like 'cut-%' group by 1 order by 1`,
    );
    expect(rows).toEqual([
      { stream_id: 'cut-b', n: '1' },
      { stream_id: 'cut-c', n: '2' },
      { stream_id: 'cut-first', n: '1' },
    ]);
  });

  it('writes a group again when its backend ended before COMMIT, and stores it once', async () => {
    const sut = new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: { maxInFlight: 1 } });
    const release = await holdInserts();
    const appends = [
      told(sut.append('killed-a', [counted()], { expectedVersion: 'no_stream', context })),
      told(sut.append('killed-a', [counted()], { expectedVersion: 1, context })),
    ];
    const pid = await waitUntil('the group to wait for the lock', async () => {
      const { rows } = await f.admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock' and query like '%append_events_many%'`,
        [APP],
      );
      return rows[0]?.pid;
    });
    await f.admin.query('select pg_terminate_backend($1)', [pid]);
    await release();

    expect(await Promise.all(appends)).toEqual([{ version: 1 }, { version: 2 }]);
    const { rows } = await f.admin.query<{ v: string }>(
      `select stream_version::text as v from "${f.db.schema}".events where stream_id = 'killed-a' order by position`,
    );
    expect(rows.map((r) => r.v)).toEqual(['1', '2']);
  });

  it('ends a cut group’s backend before looking it up behind a pooler that hides backend pids, and stores it once', async () => {
    // A pooler in session mode hands the client a key of its own for a pid. The group's backend,
    // waiting on a lock when its connection is cut, does not notice: looked up without ending it
    // (the wrong pid), the group would be written again beside it, and both would commit.
    const url = new URL(f.db.url);
    const hiding = await CuttingProxy.start({ host: url.hostname, port: Number(url.port || 5432) }, { hideBackendKeys: true });
    url.hostname = '127.0.0.1';
    url.port = String(hiding.port);
    const hidden = new Pool({ connectionString: url.toString(), max: 2, application_name: APP });
    hidden.on('error', () => undefined);
    try {
      const sut = new PostgresEventStore(hidden, { schema: f.db.schema, groupCommit: { maxInFlight: 1 } });
      const release = await holdInserts();
      let appended: ReturnType<typeof told>;
      try {
        appended = told(sut.append('hidden-a', [counted()], { expectedVersion: 'no_stream', context }));
        const pid = await waitUntil('the group to wait for the lock', async () => {
          const { rows } = await f.admin.query<{ pid: number }>(
            `select pid from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock' and query like '%append_events_many%'`,
            [APP],
          );
          return rows[0]?.pid;
        });
        hiding.cutAll();
        await waitUntil(
          'the cut group’s backend to be ended',
          async () => (await f.admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rows.length === 0,
          { timeoutMs: 10_000 },
        );
      } finally {
        await release();
      }
      expect(await appended).toEqual({ version: 1 });
      const { rows } = await f.admin.query(`select 1 from "${f.db.schema}".events where stream_id = 'hidden-a'`);
      expect(rows).toHaveLength(1);
    } finally {
      await hidden.end();
      await hiding.close();
    }
  });

  // A session's own statement (DeciderStreams.appendOn, the append a session lock guards).
  it('looks up an append on a held session whose answer was lost: stored, it succeeded, once', async () => {
    const streams = new DeciderStreams(new PostgresEventStore(pool, { schema: f.db.schema }));
    const session = await pool.connect();
    session.on('error', () => undefined); // the cut, heard as every service pool hears it
    try {
      proxy.cutAfterAnswerTo('session-cut');
      const cutsBefore = proxy.cuts;
      await expect(streams.appendOn(session, 'session-cut', [counted()], 0, context)).resolves.toBe(1);
      expect(proxy.cuts).toBe(cutsBefore + 1);
    } finally {
      session.release(true);
    }
    const { rows } = await f.admin.query(`select 1 from "${f.db.schema}".events where stream_id = 'session-cut'`);
    expect(rows).toHaveLength(1);
  });

  it('gives the connection error when an append on a held session whose connection broke was not stored', async () => {
    const streams = new DeciderStreams(new PostgresEventStore(pool, { schema: f.db.schema }));
    const session = await pool.connect();
    session.on('error', () => undefined);
    try {
      // Known before the end, as the session lock that guards such an append learns it: the append then fails, is looked up, and not found.
      await f.admin.query('select pg_terminate_backend($1)', [await backendPid(session)]);
      await expect(streams.appendOn(session, 'session-gone', [counted()], 0, context)).rejects.toThrow(/terminat|not queryable/);
    } finally {
      session.release(true);
    }
    const { rows } = await f.admin.query(`select 1 from "${f.db.schema}".events where stream_id = 'session-gone'`);
    expect(rows).toHaveLength(0);
  });
});

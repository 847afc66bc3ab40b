import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { rebuildProjections, type Queryable, type ReadModelDefinition } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

// ADR 0035: a rebuild run under a lock checks it after each page that came, not only at its swap,
// so one that lost its lock stops at its next page instead of building on beside a rival.
describe('rebuildProjections under a held lock', () => {
  let f: StoreFixture;
  let holder: PoolClient;
  const keys: [string, string] = ['vanguard-test-rebuild', randomUUID()];

  beforeAll(async () => {
    f = await storeFixture('es_rebuild_lock');
    await f.db.pool.query(`create table held_seen (event_id uuid primary key)`);
    holder = await f.admin.connect();
  });
  afterAll(async () => {
    holder?.release();
    await f?.close();
  });

  it('stops at the page after its lock was let go: nothing more applied, nothing swapped in', async () => {
    const store = f.store();
    for (let i = 0; i < 3; i++)
      await store.append(`held-${randomUUID()}`, [{ type: 'test.Step', data: { i } }], { expectedVersion: 'no_stream', context });
    await holder.query('select pg_advisory_lock(hashtext($1), hashtext($2))', keys);
    const pid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    let applied = 0;
    // The first event applied lets the lock go, as a lock connection that failed would.
    const letsGo: ReadModelDefinition = {
      name: 'test.held',
      tables: ['held_seen'],
      create: (db: Queryable, t) => ({
        apply: async (e) => {
          if (applied++ === 0) await holder.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', keys);
          await db.query(`insert into "${t('held_seen')}" (event_id) values ($1)`, [e.eventId]);
        },
      }),
    };

    await expect(rebuildProjections(f.db.pool, store, [letsGo], { pageSize: 1, heldLock: { pid, keys } })).rejects.toThrow(
      /no longer held/,
    );
    expect(applied).toBe(1);
    expect(Number((await f.db.pool.query<{ n: string }>('select count(*) as n from held_seen')).rows[0]!.n)).toBe(0);
  });
});

import { Pool } from 'pg';
import { waitUntil } from '@vanguard/testing';
import { PgListener, storeChannel } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';
import { NetProxy } from '@vanguard/testing';

describe(`${PgListener.name} on a connection that goes silent`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_listen_silent');
  });
  afterAll(() => f.close());

  it('notices by its heartbeat, reconnects, and hears the next append', async () => {
    const url = new URL(f.db.url);
    const proxy = await NetProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(f.db.url);
    viaProxy.port = String(proxy.port);
    const pool = new Pool({ connectionString: viaProxy.toString(), max: 1 });
    pool.on('error', () => undefined);
    let heard = 0;
    const errors: unknown[] = [];
    const sut = new PgListener(pool, {
      channel: storeChannel(f.db.schema),
      onNotification: () => heard++,
      onError: (e) => errors.push(e),
      heartbeatMs: 300,
      backoff: { initialMs: 10, maxMs: 100 },
    });
    sut.start();
    try {
      await waitUntil('the listener to listen', () => sut.listening);
      expect(proxy.blackhole()).toBe(1);
      // Nothing is closed: only the listener's own heartbeat can tell the connection is gone.
      await waitUntil('a second session', () => sut.sessionCount === 2 && sut.listening, { timeoutMs: 10_000 });
      expect(errors.some((e) => e instanceof Error && /no answer for 300 ms/.test(e.message))).toBe(true);
      await f.store().append('wake-1', [{ type: 'test.Woken', data: {} }], { expectedVersion: 'no_stream', context });
      await waitUntil('the notification on the new session', () => heard > 0);
    } finally {
      await proxy.close();
      await sut.stop();
      await pool.end();
    }
  });
});

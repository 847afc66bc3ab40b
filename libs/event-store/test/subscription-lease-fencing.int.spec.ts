import { Pool } from 'pg';
import { waitUntil } from '@vanguard/testing';
import { LeaseLostError, PostgresEventStore, Subscription, type RecordedEvent } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';
import { NetProxy } from '@vanguard/testing';

const indexOf = (e: RecordedEvent) => (e.data as { i: number }).i;

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Every checkpoint write, in order, kept by a trigger: shows who moved it and that it never went back. */
async function recordCheckpointWrites(f: StoreFixture): Promise<void> {
  await f.db.pool.query(`
    create table checkpoint_writes (n bigserial primary key, subscription text not null, transaction_id xid8 not null, position bigint not null);
    create function record_checkpoint_write() returns trigger language plpgsql as $fn$
    begin
      insert into checkpoint_writes (subscription, transaction_id, position) values (new.subscription, new.transaction_id, new.position);
      return new;
    end $fn$;
    create trigger record_checkpoint_write after insert or update on subscription_checkpoints
      for each row execute function record_checkpoint_write();`);
}

async function checkpointWrites(f: StoreFixture, name: string): Promise<{ transactionId: bigint; position: number }[]> {
  const { rows } = await f.db.pool.query<{ transaction_id: string; position: string }>(
    'select transaction_id::text, position from checkpoint_writes where subscription = $1 order by n',
    [name],
  );
  return rows.map((r) => ({ transactionId: BigInt(r.transaction_id), position: Number(r.position) }));
}

async function headPosition(f: StoreFixture): Promise<number> {
  return Number((await f.db.pool.query<{ p: string }>('select max(position) as p from events')).rows[0]!.p);
}

async function append(f: StoreFixture, stream: string, from: number, count: number): Promise<void> {
  await f.store().append(
    stream,
    Array.from({ length: count }, (_, k) => ({ type: 'test.Step', data: { i: from + k } })),
    { expectedVersion: 'any', context },
  );
}

describe(`${Subscription.name} lease fencing`, () => {
  it('a terminated lease backend mid-batch: the old owner stops delivering and never moves the checkpoint; the standby misses nothing', async () => {
    // A random event of the batch is the one in the handler when the lease goes, round after round.
    for (let round = 0; round < 4; round++) {
      const f = await storeFixture(`es_fence_${round}`);
      await recordCheckpointWrites(f);
      const name = 'fenced';
      const BATCH = 12;
      const cut = 4 + Math.floor(Math.random() * (BATCH - 2)); // inside the batch (3 .. 3+BATCH-1), neither its first nor its last
      const ownerGot: number[] = [];
      const standbyGot: number[] = [];
      const ownerErrors: unknown[] = [];
      const ownerHeld = gate();
      const standbyHeld = gate();
      let standbyMayGo = false;
      const store = f.store();
      const owner = store.subscribe({
        name,
        batchSize: 100,
        // Also caps the re-read delay while events wait behind other suites' open transactions.
        // Once it lost the lease it may compete again, but the standby holds it by then.
        pollIntervalMs: 1_000,
        handler: async (e) => {
          ownerGot.push(indexOf(e));
          if (indexOf(e) === cut) await ownerHeld.opened;
        },
        onError: (e) => ownerErrors.push(e),
      });
      let standby: Subscription | undefined;
      try {
        await append(f, 'phase-one', 0, 3);
        await waitUntil(
          'the owner to checkpoint the first events',
          async () => (await headPosition(f)) === (await storedPosition(f, name)),
        );
        const before = await checkpointWrites(f, name);

        await append(f, 'the-batch', 3, BATCH);
        await waitUntil('the owner to be inside the handler of the cut event', () => ownerGot.includes(cut));
        standby = store.subscribe({
          name,
          batchSize: 100,
          pollIntervalMs: 50,
          handler: async (e) => {
            standbyGot.push(indexOf(e));
            if (!standbyMayGo) await standbyHeld.opened; // keeps the stored checkpoint still while the old owner finishes
          },
        });
        const { rows } = await f.admin.query<{ pid: number }>(
          `select a.pid, pg_terminate_backend(a.pid)
             from pg_stat_activity a join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and l.granted
            where a.application_name = $1 and a.datname = current_database()`,
          [`lease ${f.db.schema}.${name}`],
        );
        expect(rows).toHaveLength(1);
        await waitUntil('the standby to take over and start delivering', () => standby!.isOwner && standbyGot.length > 0);
        expect(owner.isOwner).toBe(false);

        // The old owner's handler returns only now, after it lost the lease.
        ownerHeld.open();
        await waitUntil(
          'the old owner to stop (it reports the lost lease) or to write a checkpoint',
          async () => ownerErrors.some((e) => e instanceof LeaseLostError) || (await checkpointWrites(f, name)).length > before.length,
        );
        expect(await checkpointWrites(f, name)).toEqual(before);
        expect(ownerGot).toEqual(Array.from({ length: cut + 1 }, (_, i) => i));

        standbyMayGo = true;
        standbyHeld.open();
        await waitUntil('the standby to checkpoint the head', async () => (await headPosition(f)) === (await storedPosition(f, name)));
        // At least once: the standby delivered every event after the stored checkpoint, in order.
        expect(standbyGot).toEqual(Array.from({ length: BATCH }, (_, k) => 3 + k));
        const writes = await checkpointWrites(f, name);
        for (let k = 1; k < writes.length; k++) {
          const [a, b] = [writes[k - 1]!, writes[k]!];
          expect(b.transactionId > a.transactionId || (b.transactionId === a.transactionId && b.position > a.position)).toBe(true);
        }
      } finally {
        ownerHeld.open();
        standbyMayGo = true;
        standbyHeld.open();
        await owner.stop();
        await standby?.stop();
        await f.close();
      }
    }
  }, 120_000);

  it('a lease connection that goes silent: the owner stops trusting its lease before the server frees it, and a standby takes over', async () => {
    const f = await storeFixture('es_silent');
    const url = new URL(f.db.url);
    const proxy = await NetProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(f.db.url);
    viaProxy.port = String(proxy.port);
    const ownerPool = new Pool({ connectionString: viaProxy.toString(), max: 4 });
    ownerPool.on('error', () => undefined); // its idle connections die with the proxy
    const name = 'silent';
    const ownerGot: number[] = [];
    const standbyGot: number[] = [];
    const ownerErrors: unknown[] = [];
    const ownerHeld = gate();
    const cut = 3;
    const owner = new PostgresEventStore(ownerPool, { schema: f.db.schema }).subscribe({
      name,
      batchSize: 100,
      // Competes again only well after the server freed the silent lease and the standby took it.
      pollIntervalMs: 8_000,
      leaseTimeoutMs: 4_000,
      handler: async (e) => {
        ownerGot.push(indexOf(e));
        if (indexOf(e) === cut) await ownerHeld.opened;
      },
      onError: (e) => ownerErrors.push(e),
    });
    let standby: Subscription | undefined;
    try {
      await waitUntil('the owner to hold the lease', () => owner.isOwner);
      await append(f, 'quiet-1', 0, 10);
      await waitUntil('the owner to be inside the handler of the cut event', () => ownerGot.includes(cut));
      standby = f.store().subscribe({ name, batchSize: 100, pollIntervalMs: 50, handler: (e) => void standbyGot.push(indexOf(e)) });
      expect(proxy.blackhole()).toBeGreaterThan(0);

      // Nothing closes: the owner must notice by itself, and Postgres must end the silent session.
      await waitUntil('the owner to stop trusting its lease', () => !owner.isOwner, { timeoutMs: 10_000 });
      await waitUntil('the standby to take over', () => standby!.isOwner, { timeoutMs: 15_000 });
      ownerHeld.open();
      await waitUntil('the old owner to report the lost lease', () => ownerErrors.some((e) => e instanceof LeaseLostError));
      expect(ownerGot).toEqual([0, 1, 2, 3]);
      await waitUntil('the standby to deliver everything', () => standbyGot.length === 10);
      expect(standbyGot).toEqual(Array.from({ length: 10 }, (_, i) => i));
    } finally {
      ownerHeld.open();
      await proxy.close();
      await owner.stop();
      await standby?.stop();
      await ownerPool.end();
      await f.close();
    }
  }, 60_000);
});

async function storedPosition(f: StoreFixture, name: string): Promise<number> {
  const { rows } = await f.db.pool.query<{ position: string }>('select position from subscription_checkpoints where subscription = $1', [
    name,
  ]);
  return rows[0] ? Number(rows[0].position) : 0;
}

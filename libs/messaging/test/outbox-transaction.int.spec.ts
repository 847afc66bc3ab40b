import type { PoolClient } from 'pg';
import { ContractRegistry } from '@vanguard/contracts';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { migrateOutbox, PgOutbox } from '../src';
import { thingContract, thingEvent } from './support';

// README "Writing events": `add` refuses to run outside a transaction (no dual writes). A Pool
// was refused, but a PoolClient that never ran `begin` (or had already committed) wrote each
// event in a transaction of its own: a state change rolled back afterwards still published them.
describe(`${PgOutbox.name}.add outside a transaction`, () => {
  let db: TestSchema;
  let client: PoolClient;
  const outbox = new PgOutbox({ contracts: new ContractRegistry([thingContract('msgtest.outbox-tx')]) });
  const rows = async () => Number((await db.pool.query<{ n: string }>('select count(*) as n from vanguard_outbox')).rows[0]!.n);

  beforeAll(async () => {
    db = await createTestSchema('outbox_tx');
    await migrateOutbox(db.pool);
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client?.release();
    await db?.drop();
  });

  it('is refused on a client that never began a transaction, and nothing is written', async () => {
    await expect(outbox.add(client, thingEvent('idle', 1))).rejects.toThrow(/must run inside a transaction/);
    expect(await rows()).toBe(0);
  });

  it('is refused after the transaction committed, and on a Pool', async () => {
    await client.query('begin');
    await outbox.add(client, thingEvent('committed', 1));
    await client.query('commit');
    await expect(outbox.add(client, thingEvent('committed', 2))).rejects.toThrow(/must run inside a transaction/);
    await expect(outbox.add(db.pool, thingEvent('pool', 1))).rejects.toThrow(/not a Pool/);
    expect(await rows()).toBe(1);
  });

  it('is refused in an aborted transaction, and what it wrote inside one rolls back with it', async () => {
    await client.query('begin');
    await outbox.add(client, thingEvent('rolled-back', 1));
    await client.query('rollback');
    await client.query('begin');
    await expect(client.query('select 1 / 0')).rejects.toThrow();
    await expect(outbox.add(client, thingEvent('aborted', 1))).rejects.toThrow(/aborted/);
    await client.query('rollback');
    expect(await rows()).toBe(1);
  });
});

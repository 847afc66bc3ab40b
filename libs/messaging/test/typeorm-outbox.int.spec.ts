import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ContractRegistry, ContractViolationError } from '@vanguard/contracts';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import {
  inboxMigration,
  OUTBOX_NOTIFY_TRIGGER,
  OutboxRelaySource,
  outboxMigration,
  CommitRolledBackError,
  SwallowedDatabaseError,
  TypeOrmInbox,
  TypeOrmOutbox,
} from '../src';
import { thingContract, thingEvent } from './support';

describe(TypeOrmOutbox.name, () => {
  let db: TestSchema;
  let dataSource: DataSource;
  const contracts = new ContractRegistry([thingContract('test.typeorm-outbox.events.v1')]);
  const sut = new TypeOrmOutbox({ contracts });

  beforeAll(async () => {
    db = await createTestSchema('typeorm_outbox');
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      schema: db.schema,
      migrations: [outboxMigration(1732000000000), inboxMigration(1732000000001)],
      logging: false,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query('create table things (id uuid primary key, n integer not null)');
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const things = async () => Number((await dataSource.query('select count(*)::int as n from things'))[0].n);
  const outboxRows = (eventId: string) =>
    dataSource.query('select event_type, topic, stream_id from vanguard_outbox where event_id = $1', [eventId]);

  it('add_WhenTheTransactionCommits_StoresTheEventWithTheStateChange', async () => {
    const event = thingEvent('t1', 1);
    await dataSource.transaction(async (manager) => {
      await manager.query('insert into things (id, n) values ($1, 1)', [randomUUID()]);
      await sut.add(manager, event);
    });
    expect(await outboxRows(event.eventId)).toEqual([
      { event_type: 'msgtest.ThingHappened', topic: 'test.typeorm-outbox.events.v1', stream_id: 'thing-t1' },
    ]);
    const [row] = await dataSource.query('select envelope from vanguard_outbox where event_id = $1', [event.eventId]);
    expect(row.envelope).toEqual(event);
  });

  it('add_WhenTheTransactionRollsBack_LeavesNeitherStateNorEvent', async () => {
    const event = thingEvent('t2', 1);
    const before = await things();
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query('insert into things (id, n) values ($1, 2)', [randomUUID()]);
        await sut.add(manager, event);
        throw new Error('the command failed after writing');
      }),
    ).rejects.toThrow('the command failed after writing');
    expect(await things()).toBe(before);
    expect(await outboxRows(event.eventId)).toEqual([]);
  });

  it('add_WhenCalledOutsideATransaction_Refuses', async () => {
    await expect(sut.add(dataSource.manager, thingEvent('t3', 1))).rejects.toThrow(/inside a transaction/);
  });

  it('add_WhenTheEventBreaksItsContract_RefusesIt', async () => {
    await expect(dataSource.transaction((m) => sut.add(m, { ...thingEvent('t4', 1), type: 'msgtest.Unknown' }))).rejects.toThrow(
      ContractViolationError,
    );
  });

  it('outboxMigration_CreatesTheInsertTriggerThatWakesTheRelay', async () => {
    const [row] = await dataSource.query(
      `select count(*)::int as n from pg_trigger where tgrelid = 'vanguard_outbox'::regclass and tgname = $1 and tgenabled <> 'D'`,
      [OUTBOX_NOTIFY_TRIGGER],
    );
    expect(row.n).toBe(1);
  });

  it('relaySource_ReadsCommittedRowsInOrderAndStampsThemOnCommit', async () => {
    const source = new OutboxRelaySource(db.pool, { schema: db.schema });
    const pending = await source.read(undefined, 100);
    expect(pending.records.map((r) => r.envelope.streamId)).toEqual(['thing-t1']);
    await source.commit(pending.checkpoint);
    expect((await source.read(pending.checkpoint, 100)).records).toEqual([]);
    expect(await source.backlog()).toBe(0);
    await source.close();
  });

  it('add_WithStreamVersions_NumbersEachEventOnItsStreamInTheRowsStatement', async () => {
    await dataSource.query('create table stream_versions (stream_id text primary key, version integer not null)');
    const numbered = new TypeOrmOutbox({ contracts, streamVersions: 'stream_versions' });
    const [a, b, c, d] = [thingEvent('n1', 0), thingEvent('n1', 0), thingEvent('n2', 0), thingEvent('n1', 0)];
    await dataSource.transaction((m) => numbered.add(m, a, b, c));
    // A rolled-back command takes no version: its counter update goes with it.
    await expect(
      dataSource.transaction(async (m) => {
        await numbered.add(m, thingEvent('n1', 0));
        throw new Error('the command failed after publishing');
      }),
    ).rejects.toThrow('the command failed after publishing');
    await dataSource.transaction((m) => numbered.add(m, d));
    const rows: { event_id: string; envelope: unknown }[] = await dataSource.query(
      'select event_id, envelope from vanguard_outbox where event_id = any($1) order by id',
      [[a, b, c, d].map((e) => e.eventId)],
    );
    expect(rows.map((r) => r.envelope)).toEqual([
      { ...a, streamVersion: 1 },
      { ...b, streamVersion: 2 },
      { ...c, streamVersion: 1 },
      { ...d, streamVersion: 3 },
    ]);
  });

  it('numberedCtes_InACallersAutocommitStatement_NumbersAndStoresTheEventOnlyWhenItsGateYieldsARow', async () => {
    const numbered = new TypeOrmOutbox({ contracts, streamVersions: 'stream_versions' });
    const id = randomUUID();
    await dataSource.query('insert into things (id, n) values ($1, 1)', [id]);
    // A conditional change, then its event fed by the change's returned row: one statement, no transaction block.
    const changeIf = async (expected: number, event: ReturnType<typeof thingEvent>) => {
      const outbox = numbered.numberedCtes(event, { after: 'changed', firstParam: 3 });
      const [r] = await dataSource.query<{ changed: number; stored: number }[]>(
        `with changed as (update things set n = n + 1 where id = $1 and n = $2 returning id), ${outbox.sql}
         select (select count(*)::int from changed) as changed, (select count(*)::int from outbox) as stored`,
        [id, expected, ...outbox.params],
      );
      return r;
    };
    const [first, stale, second] = [thingEvent('c1', 0), thingEvent('c1', 0), thingEvent('c1', 0)];
    expect(await changeIf(1, first)).toEqual({ changed: 1, stored: 1 });
    expect(await changeIf(1, stale)).toEqual({ changed: 0, stored: 0 });
    expect(await changeIf(2, second)).toEqual({ changed: 1, stored: 1 });
    const rows: { event_id: string; envelope: { streamVersion: number } }[] = await dataSource.query(
      `select event_id, envelope from vanguard_outbox where stream_id = 'thing-c1' order by id`,
    );
    // The stale write took no version: the stream stays unbroken.
    expect(rows.map((r) => [r.event_id, r.envelope.streamVersion])).toEqual([
      [first.eventId, 1],
      [second.eventId, 2],
    ]);
    expect(() => numbered.numberedCtes({ ...thingEvent('c1', 0), type: 'msgtest.Unknown' }, { after: 'changed', firstParam: 3 })).toThrow(
      ContractViolationError,
    );
    expect(() => sut.numberedCtes(thingEvent('c1', 0), { after: 'changed', firstParam: 3 })).toThrow(/streamVersions/);
  });
});

describe(TypeOrmInbox.name, () => {
  let db: TestSchema;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestSchema('typeorm_inbox');
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      schema: db.schema,
      migrations: [inboxMigration(1732000000002)],
      logging: false,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query('create table effects (event_id uuid not null)');
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('processOnce_WhenTheSameEventComesTwice_RunsTheEffectOnceInTheInboxTransaction', async () => {
    const sut = new TypeOrmInbox(dataSource);
    const event = thingEvent('i1', 1);
    const origin = { topic: 't', partition: 0, offset: '7' };
    const effect = (m: EntityManager) => m.query('insert into effects (event_id) values ($1)', [event.eventId]).then(() => undefined);
    expect(await sut.processOnce('reporting', event, origin, effect)).toBe('processed');
    expect(await sut.processOnce('reporting', event, origin, effect)).toBe('duplicate');
    // Another consumer has its own inbox key.
    expect(await sut.processOnce('publicity', event, origin, effect)).toBe('processed');
    expect((await dataSource.query('select count(*)::int as n from effects'))[0].n).toBe(2);
  });

  it('processOnce_WhenTheEffectFails_RollsBackTheInboxRowSoARetryRunsIt', async () => {
    const sut = new TypeOrmInbox(dataSource);
    const event = thingEvent('i2', 1);
    const origin = { topic: 't', partition: 0, offset: '8' };
    await expect(sut.processOnce('reporting', event, origin, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await sut.processOnce('reporting', event, origin, () => Promise.resolve())).toBe('processed');
  });

  it('processBatch_ClaimsAllInOneTransaction_AndTreatsRepeatsAndEarlierOnesAsDuplicates', async () => {
    const sut = new TypeOrmInbox(dataSource);
    const [a, b, c] = [thingEvent('i3', 1), thingEvent('i3', 2), thingEvent('i3', 3)];
    const at = (offset: number) => ({ topic: 't', partition: 0, offset: String(offset) });
    expect(await sut.processOnce('batch', a, at(1), () => Promise.resolve())).toBe('processed');
    const seen: string[] = [];
    const outcomes = await sut.processBatch(
      'batch',
      [a, b, b, c].map((event, i) => ({ event, origin: at(i + 1) })),
      async (m, item) => {
        seen.push(item.event.eventId);
        await m.query('insert into effects (event_id) values ($1)', [item.event.eventId]);
      },
    );
    expect(outcomes).toEqual(['duplicate', 'processed', 'duplicate', 'processed']);
    expect(seen).toEqual([b.eventId, c.eventId]);
  });

  it('processBatch_WhenOneEffectFails_RollsBackEveryEffectAndInboxRow', async () => {
    const sut = new TypeOrmInbox(dataSource);
    const events = [thingEvent('i4', 1), thingEvent('i4', 2)];
    const items = events.map((event, i) => ({ event, origin: { topic: 't', partition: 0, offset: String(i) } }));
    await expect(
      sut.processBatch('rollback', items, async (m, item, i) => {
        await m.query('insert into effects (event_id) values ($1)', [item.event.eventId]);
        if (i === 1) throw new Error('second fails');
      }),
    ).rejects.toThrow('second fails');
    const effects = await dataSource.query('select count(*)::int as n from effects where event_id = any($1)', [
      events.map((e) => e.eventId),
    ]);
    expect(effects[0].n).toBe(0);
    expect(await sut.processBatch('rollback', items, () => Promise.resolve())).toEqual(['processed', 'processed']);
  });

  it('processBatch_WhenAnEffectSwallowsADatabaseError_RejectsNamingItAndStoresNothing', async () => {
    const sut = new TypeOrmInbox(dataSource);
    const events = [thingEvent('i5', 1), thingEvent('i5', 2), thingEvent('i5', 3)];
    const items = events.map((event, i) => ({ event, origin: { topic: 't', partition: 0, offset: String(i) } }));
    const batch = sut.processBatch('swallow', items, async (m, item, i) => {
      await m.query('insert into effects (event_id) values ($1)', [item.event.eventId]);
      if (i === 1) await m.query('select 1 / 0').catch(() => undefined);
    });
    // Named at once when pg has seen the aborted status by the time the effect returns, at COMMIT otherwise.
    const error = await batch.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(
      error instanceof CommitRolledBackError || (error instanceof SwallowedDatabaseError && error.index === 1) ? 'refused' : error,
    ).toBe('refused');
    const stored = async () => ({
      effects: (
        await dataSource.query('select count(*)::int as n from effects where event_id = any($1)', [events.map((e) => e.eventId)])
      )[0].n,
      inbox: (await dataSource.query(`select count(*)::int as n from vanguard_inbox where consumer = 'swallow'`))[0].n,
    });
    expect(await stored()).toEqual({ effects: 0, inbox: 0 });

    await expect(
      sut.processOnce('swallow', events[0]!, items[0]!.origin, async (m) => {
        await m.query('select 1 / 0').catch(() => undefined);
      }),
    ).rejects.toThrow(SwallowedDatabaseError);
    expect(await stored()).toEqual({ effects: 0, inbox: 0 });
  });
});

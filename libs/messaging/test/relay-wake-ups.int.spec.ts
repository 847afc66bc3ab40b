import { Pool } from 'pg';
import { ContractRegistry } from '@vanguard/contracts';
import { migrate, PostgresEventStore, storeChannel, type AppendContext } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventStoreRelaySource, migrateOutbox, OUTBOX_NOTIFY_TRIGGER, OutboxRelaySource, PgOutbox, Relay } from '../src';
import { deleteTopics, kafkaClient, pledgeContracts, thingContract, thingEvent } from './support';

// Waits here may outlast Jest's 60 s default while another suite's transaction holds the server's
// read horizon (see below): the deadline that fails a test must be the wait's, naming what it waited for.
jest.setTimeout(240_000);

/** Far longer than any wait below: a record published in time was not found by the idle poll. */
const IDLE_MS = 180_000;
/**
 * A third of the idle pause, so only a wake-up publishes in time. Generous because what the
 * event-store relay may read is bounded by the oldest transaction open anywhere on the server,
 * and another suite's can hold an append back (10 s failed once on a clean-clone run).
 */
const PROMPTLY = { timeoutMs: IDLE_MS / 3 };

const context: AppendContext = {
  actor: { sub: 'county.evaluator', roles: ['evaluator'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'wake-up-test',
};

describe(`${Relay.name} wake-ups`, () => {
  let db: TestSchema;
  let admin: Pool;
  const topic = `${testTopicPrefix('relay-wake')}.events.v1`;
  const kafka = kafkaClient();
  const contracts = new ContractRegistry([thingContract(topic)]);

  beforeAll(async () => {
    db = await createTestSchema('relay_wake');
    admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
  });

  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
    await admin.end();
    await db.drop();
  });

  async function addToOutbox(table: string, version: number): Promise<void> {
    const outbox = new PgOutbox({ contracts, table });
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await outbox.add(client, thingEvent(table, version));
      await client.query('commit');
    } finally {
      client.release();
    }
  }

  /** Kills the relay's listening connection from outside, as a network cut or a server restart would. */
  async function terminateListener(channelPrefix: string): Promise<void> {
    const { rows } = await admin.query<{ pid: number }>(
      `select pid, pg_terminate_backend(pid) from pg_stat_activity
        where application_name like $1 || '%' and datname = current_database()`,
      [`listen ${channelPrefix}`],
    );
    expect(rows).toHaveLength(1);
  }

  it('WhenACaughtUpRelayIsIdle_PublishesEachOutboxInsertAtOnce_NotAfterItsIdlePause', async () => {
    const table = 'outbox_wake';
    await migrateOutbox(db.pool, { table });
    const source = new OutboxRelaySource(db.pool, { table });
    const sut = new Relay({ source, kafka, idleDelayMs: IDLE_MS });
    sut.start();
    try {
      await waitUntil('the relay to lead and listen', () => source.isLeader && sut.listening && sut.stats.rounds >= 1);
      // One after the other: from the second insert on, the relay is asleep in its idle
      // pause when the row commits, so only the trigger's notification can wake it.
      for (let v = 1; v <= 3; v++) {
        await addToOutbox(table, v);
        await waitUntil(`insert ${v} to be published`, () => sut.stats.published === v, PROMPTLY);
      }
      expect(await source.backlog()).toBe(0);
    } finally {
      await sut.stop();
    }
  });

  it('WhenTheOutboxWasMigratedBeforeTheTrigger_TheRelayAddsItAndIsWokenByIt', async () => {
    const table = 'outbox_legacy';
    await migrateOutbox(db.pool, { table });
    await db.pool.query(`drop trigger ${OUTBOX_NOTIFY_TRIGGER} on ${table}`); // as an outbox made by the first migration
    const triggers = async () =>
      Number(
        (
          await db.pool.query<{ n: string }>(`select count(*) as n from pg_trigger where tgrelid = $1::regclass and tgname = $2`, [
            table,
            OUTBOX_NOTIFY_TRIGGER,
          ])
        ).rows[0]!.n,
      );
    expect(await triggers()).toBe(0);
    const source = new OutboxRelaySource(db.pool, { table });
    const sut = new Relay({ source, kafka, idleDelayMs: IDLE_MS });
    sut.start();
    try {
      await waitUntil('the relay to lead and listen', () => source.isLeader && sut.listening && sut.stats.rounds >= 1);
      expect(await triggers()).toBe(1);
      for (let v = 1; v <= 2; v++) {
        await addToOutbox(table, v);
        await waitUntil(`insert ${v} to be published`, () => sut.stats.published === v, PROMPTLY);
      }
    } finally {
      await sut.stop();
    }
  });

  it('WhenTheListenerWasDownAsRowsCommitted_TheReconnectReadPublishesThem', async () => {
    const table = 'outbox_reconnect';
    await migrateOutbox(db.pool, { table });
    // Long enough that the insert below commits while nobody listens.
    const source = new OutboxRelaySource(db.pool, { table, listenerBackoff: { initialMs: 1_500, maxMs: 1_500 } });
    const warnings: string[] = [];
    const sut = new Relay({
      source,
      kafka,
      idleDelayMs: IDLE_MS,
      logger: { info: () => undefined, warn: (_o, msg) => void warnings.push(msg ?? ''), error: () => undefined },
    });
    sut.start();
    try {
      await waitUntil('the relay to lead and listen', () => source.isLeader && sut.listening && sut.stats.rounds >= 1);
      await terminateListener(`vanguard_outbox_${db.schema}.${table}`);
      await waitUntil('the listener to notice', () => !sut.listening);
      await addToOutbox(table, 1);

      await waitUntil('the row committed while the listener was down', () => sut.stats.published === 1, PROMPTLY);
      expect(sut.listening).toBe(true);
      expect(warnings).toContain('relay wake-ups interrupted; polling until the listener is back');
    } finally {
      await sut.stop();
    }
  });

  describe('an event store', () => {
    let store: PostgresEventStore;
    beforeAll(async () => {
      await migrate(db.pool, { schema: db.schema });
      store = new PostgresEventStore(db.pool, { schema: db.schema });
    });

    it('WhenACaughtUpRelayIsIdle_PublishesEachAppendAtOnce_NotAfterItsIdlePause', async () => {
      const source = new EventStoreRelaySource(store, db.pool, { contracts: pledgeContracts(topic), name: 'wake-relay' });
      const sut = new Relay({ source, kafka, idleDelayMs: IDLE_MS });
      sut.start();
      try {
        await waitUntil('the relay to lead and listen', () => source.isLeader && sut.listening && sut.stats.rounds >= 1);
        for (let v = 1; v <= 3; v++) {
          await store.append(`pledge-wake${v}`, [{ type: 'evaluation.PledgeMade', data: { v } }], {
            expectedVersion: 'no_stream',
            context,
          });
          await waitUntil(`append ${v} to be published`, () => sut.stats.published === v, PROMPTLY);
        }
      } finally {
        await sut.stop();
      }
    });

    it('WhenAnAppendCommittedBehindAnOpenTransaction_LooksAgainSoonAndPublishesItOnceThatEnds', async () => {
      const source = new EventStoreRelaySource(store, db.pool, { contracts: pledgeContracts(topic), name: 'held-back-relay' });
      const sut = new Relay({ source, kafka, idleDelayMs: IDLE_MS });
      const blocker = await admin.connect();
      sut.start();
      try {
        await waitUntil('the relay to catch up and listen', () => sut.listening && sut.stats.published === 3);
        await blocker.query('begin');
        await blocker.query('select pg_current_xact_id()'); // an xid older than the append's
        const rounds = sut.stats.rounds;
        await store.append('pledge-held', [{ type: 'evaluation.PledgeMade', data: {} }], { expectedVersion: 'no_stream', context });
        // The notification's round finds nothing readable yet; it must keep looking, not idle a minute.
        await waitUntil('the relay to look again', () => sut.stats.rounds >= rounds + 2, PROMPTLY);
        expect(sut.stats.published).toBe(3);
        await blocker.query('commit'); // sends no notification
        await waitUntil('the held-back append to be published', () => sut.stats.published === 4, PROMPTLY);
      } finally {
        await blocker.query('rollback').catch(() => undefined);
        blocker.release();
        await sut.stop();
      }
    });

    it('WhenTheListenerWasDownAsEventsWereAppended_TheReconnectReadPublishesThem', async () => {
      const source = new EventStoreRelaySource(store, db.pool, {
        contracts: pledgeContracts(topic),
        name: 'reconnect-relay',
        listenerBackoff: { initialMs: 1_500, maxMs: 1_500 },
      });
      const sut = new Relay({ source, kafka, idleDelayMs: IDLE_MS });
      sut.start();
      try {
        await waitUntil('the relay to catch up and listen', () => sut.listening && sut.stats.published === 4);
        await terminateListener(storeChannel(db.schema));
        await waitUntil('the listener to notice', () => !sut.listening);
        await store.append('pledge-deaf', [{ type: 'evaluation.PledgeMade', data: {} }], { expectedVersion: 'no_stream', context });
        await waitUntil('the event appended while the listener was down', () => sut.stats.published === 5, PROMPTLY);
        expect(sut.listening).toBe(true);
      } finally {
        await sut.stop();
      }
    });
  });
});

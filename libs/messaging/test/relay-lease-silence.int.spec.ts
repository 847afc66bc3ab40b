import type { Kafka, Message, Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { Pool } from 'pg';
import { ENVELOPE_HEADERS } from '@vanguard/contracts';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventStoreRelaySource, headerValue, Relay } from '../src';
import { NetProxy } from '@vanguard/testing';
import { deleteTopics, kafkaClient, pledgeContracts } from './support';

const T = 2_000; // the lease timeout of both relays' lock
const context: AppendContext = {
  actor: { sub: 'county.evaluator', roles: ['evaluator'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'relay-lease-test',
};

interface Send {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ids: readonly string[];
}

/** The real Kafka client, with every send of its producers noted (when it started and ended, which events). */
function noting(kafka: Kafka, sends: Send[]): Kafka {
  const ids = (messages: readonly Message[]) => messages.map((m) => headerValue(m.headers, ENVELOPE_HEADERS.eventId) ?? '?');
  const note = async <R>(messages: readonly Message[], send: () => Promise<R>): Promise<R> => {
    const startedAt = Date.now();
    const r = await send();
    sends.push({ startedAt, endedAt: Date.now(), ids: ids(messages) });
    return r;
  };
  return new Proxy(kafka, {
    get(target, prop) {
      if (prop !== 'producer') return Reflect.get(target, prop, target) as unknown;
      return (config: Parameters<Kafka['producer']>[0]): Producer => {
        // eslint-disable-next-line no-restricted-syntax -- the relay under test gets the producer it asked for (idempotent), only noted
        const p = target.producer(config);
        return new Proxy(p, {
          get(pt, pp) {
            if (pp === 'send') return (r: ProducerRecord) => note(r.messages, () => pt.send(r));
            if (pp === 'sendBatch')
              return (b: ProducerBatch) => note(b.topicMessages?.flatMap((t) => t.messages) ?? [], () => pt.sendBatch(b));
            const v = Reflect.get(pt, pp, pt) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(pt) : v;
          },
        });
      };
    },
  });
}

/**
 * Issue 9 defect 6, the relay's part (ADR 0015): the leader's lock connection goes silent
 * (a dropped route: no FIN, no RST). The leader must stop trusting its lock within T/2 and
 * publish nothing more, Postgres must free the lock after about T, and a standby must take
 * over, without the two leaders ever publishing at once or the old one writing a checkpoint.
 */
describe('relay leader whose lock connection goes silent', () => {
  let db: TestSchema;
  const topic = `${testTopicPrefix('relay-lease')}.events.v1`;
  const kafka = kafkaClient();

  beforeAll(async () => {
    db = await createTestSchema('relay_lease');
    await migrate(db.pool, { schema: db.schema });
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    // Every checkpoint write, with the backend that made it and when.
    await db.pool.query(`
      create table checkpoint_writes (pid int not null, position bigint not null, at timestamptz not null default clock_timestamp());
      create function note_checkpoint() returns trigger language plpgsql as $$
        begin insert into checkpoint_writes (pid, position) values (pg_backend_pid(), new.position); return new; end $$;
      create trigger note_checkpoint before insert or update on subscription_checkpoints for each row execute function note_checkpoint();`);
  });

  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
    await db.drop();
  });

  it('stops publishing within T/2, writes no checkpoint after, and a standby takes over without overlap', async () => {
    const store = new PostgresEventStore(db.pool, { schema: db.schema });
    const url = new URL(db.url);
    const proxy = await NetProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    const leaderPool = new Pool({ connectionString: url.toString(), max: 4 });
    leaderPool.on('error', () => undefined); // its idle connections go silent with the proxy
    const options = { contracts: pledgeContracts(topic), leaseTimeoutMs: T };
    const leaderSource = new EventStoreRelaySource(store, leaderPool, options);
    const standbySource = new EventStoreRelaySource(store, db.pool, options);
    const leaderSends: Send[] = [];
    const standbySends: Send[] = [];
    // The old leader competes again only long after the standby can have taken the freed lock.
    const leader = new Relay({
      source: leaderSource,
      kafka: noting(kafka, leaderSends),
      idleDelayMs: 8_000,
      backoff: { initialMs: 8_000, maxMs: 8_000 },
    });
    const standby = new Relay({ source: standbySource, kafka: noting(kafka, standbySends), idleDelayMs: 50 });
    const appended: string[] = [];
    const append = async (n: number) => {
      const eventId = crypto.randomUUID();
      await store.append(`pledge-lease-${n}`, [{ type: 'evaluation.PledgeProgressReported', eventId, data: { v: n } }], {
        expectedVersion: 0,
        context,
      });
      appended.push(eventId);
    };
    try {
      leader.start();
      await waitUntil('the first relay to lead', () => leaderSource.isLeader);
      for (let n = 0; n < 10; n++) await append(n);
      await waitUntil('the leader to publish the first events', () => leaderSends.flatMap((s) => s.ids).length >= 10);
      // The backend holding the relay's lock (pg_locks shows the two int4 keys as unsigned oids).
      const { rows: lockRows } = await db.pool.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 2
            and classid::bigint = (hashtext('vanguard-relay')::bigint & 4294967295)
            and objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [`event-store:${db.schema}:kafka-relay`],
      );
      expect(lockRows).toHaveLength(1);
      const leaderPid = lockRows[0]!.pid;
      standby.start();
      await waitUntil('the second relay to stand by', () => standby.stats.standby && standby.stats.rounds > 0);

      const { rows: cut } = await db.pool.query<{ at: Date }>('select clock_timestamp() as at');
      const cutAt = Date.now();
      // Events keep coming while the leader's lock connection is silent.
      const writer = (async () => {
        for (let n = 10; n < 40; n++) {
          await append(n);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      expect(proxy.blackhole()).toBeGreaterThan(0);
      await waitUntil('the leader to stop trusting its lock', () => !leaderSource.isLeader, { timeoutMs: 5 * T, intervalMs: 10 });
      const lostAt = Date.now();
      expect(lostAt - cutAt).toBeLessThanOrEqual(T / 2 + 250);
      await waitUntil('the standby to take over', () => standbySource.isLeader, { timeoutMs: 15_000 });
      await writer;
      await waitUntil('every event published', () => {
        const out = new Set([...leaderSends, ...standbySends].flatMap((s) => s.ids));
        return appended.every((id) => out.has(id));
      });

      // The old leader started no send after it lost the lock, and its sends all ended before the new leader's began.
      expect(leaderSends.filter((s) => s.startedAt > lostAt)).toEqual([]);
      expect(standbySends.length).toBeGreaterThan(0);
      const lastOld = Math.max(...leaderSends.map((s) => s.endedAt));
      expect(standbySends.filter((s) => s.startedAt < lastOld)).toEqual([]);
      // No checkpoint from the old leader's session after the cut; the new leader's reach the end.
      const { rows: late } = await db.pool.query(`select * from checkpoint_writes where pid = $1 and at >= $2`, [leaderPid, cut[0]!.at]);
      expect(late).toEqual([]);
      await waitUntil('the checkpoint to cover every event', async () => {
        const { rows } = await db.pool.query<{ position: string }>(`select position from subscription_checkpoints`);
        const { rows: last } = await db.pool.query<{ position: string }>(`select max(position) as position from events`);
        return rows[0]?.position === last[0]?.position;
      });
    } finally {
      await proxy.close();
      await Promise.all([leader.stop(), standby.stop()]);
      await leaderPool.end();
    }
  }, 90_000);
});

import type { Kafka, Message, Producer, ProducerBatch } from 'kafkajs';
import { Pool } from 'pg';
import { OrgEventSigner } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { NetProxy, waitUntil, type TestSchema } from '@vanguard/testing';
import { RosterStatePublisher } from '../src/infrastructure/roster-state/roster-state-publisher';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { latestByKey, suiteStateTopics, testKafka } from './support/roster-state';

const T = 2_000; // the lease timeout of both publishers when the leader's connection goes silent
const MEMBERS = 3_000;
const BATCH = 150; // many small rounds, so the cut lands mid-backlog

interface Send {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly keys: readonly string[];
}

/** The real Kafka client, with every sendBatch of its producers noted (when it started and ended, which keys). */
function noting(kafka: Kafka, sends: Send[]): Kafka {
  const keys = (messages: readonly Message[]) => messages.map((m) => String(m.key));
  return new Proxy(kafka, {
    get(target, prop) {
      if (prop !== 'producer') return Reflect.get(target, prop, target) as unknown;
      return (config: Parameters<Kafka['producer']>[0]): Producer => {
        // eslint-disable-next-line no-restricted-syntax -- the publisher under test gets the producer it asked for (idempotent), only noted
        const p = target.producer(config);
        return new Proxy(p, {
          get(pt, pp) {
            if (pp === 'sendBatch')
              return async (b: ProducerBatch) => {
                const startedAt = Date.now();
                const r = await pt.sendBatch(b);
                sends.push({ startedAt, endedAt: Date.now(), keys: keys(b.topicMessages?.flatMap((t) => t.messages) ?? []) });
                return r;
              };
            const v = Reflect.get(pt, pp, pt) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(pt) : v;
          },
        });
      };
    },
  });
}

/**
 * ADR 0029 with ADR 0015's lease: two roster state publishers on one schema never publish at the
 * same time, also when the leader's lock connection goes silent (a dropped route: no FIN, no RST).
 * The silent leader stops within T/2 and sends nothing after; a standby takes over once Postgres
 * has freed the lock, and every noted member still reaches the topic.
 */
describe(`${RosterStatePublisher.name} leadership`, () => {
  let db: TestSchema;
  const kafka = testKafka();
  const village = demoOrgId('910425101201');

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_state_lease');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** `n` new members in one statement: the triggers note each. */
  const enrolMany = (n: number, tag: string) =>
    db.pool.query(
      `insert into members (id, org_id, name, status, joined_on, membership, version)
       select gen_random_uuid(), $1, $2 || i, 'full', date '2001-07-01', 'active', 1 from generate_series(1, $3) as i`,
      [village, tag, n],
    );
  const notesLeft = async () => Number((await db.pool.query<{ n: string }>('select count(*) as n from roster_state_changes')).rows[0]!.n);
  const overlapping = (a: readonly Send[], b: readonly Send[]) =>
    a.flatMap((x) => b.filter((y) => x.startedAt < y.endedAt && y.startedAt < x.endedAt).map((y) => ({ x, y })));

  it('lets one of two publishers started together publish at a time, and the other none while it leads', async () => {
    const topics = await suiteStateTopics(kafka, 'org-state-lease-pair');
    await enrolMany(MEMBERS, 'pair');
    const sends: [Send[], Send[]] = [[], []];
    // The default lease timeout: a check of the lease answered slowly on a loaded machine must not hand over the lead here.
    const options = { lockKey: `roster-state:${db.schema}`, topics, batchSize: BATCH, idleMs: 50 };
    const publishers = sends.map((s) => new RosterStatePublisher(db.pool, noting(kafka, s), OrgEventSigner.fromEnv(), options));
    try {
      publishers.forEach((p) => p.start());
      await waitUntil('every note published', async () => (await notesLeft()) === 0, { timeoutMs: 60_000, intervalMs: 100 });
      expect(publishers.filter((p) => p.isLeader)).toHaveLength(1);
    } finally {
      await Promise.all(publishers.map((p) => p.stop()));
    }
    expect(overlapping(sends[0], sends[1])).toEqual([]);
    // Exactly one of them did all the sending.
    expect(sends.map((s) => s.length > 0).sort()).toEqual([false, true]);
    const { latest } = await latestByKey(kafka, topics.member);
    const { rows } = await db.pool.query<{ id: string }>('select id from members');
    expect(rows.filter((r) => !latest.has(`member-${r.id}`))).toEqual([]);
  }, 120_000);

  it('stops a leader whose lock connection goes silent within T/2, and a standby takes over without overlap', async () => {
    const topics = await suiteStateTopics(kafka, 'org-state-lease-silence');
    await enrolMany(MEMBERS, 'silence');
    const url = new URL(db.url);
    const proxy = await NetProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    const leaderPool = new Pool({ connectionString: url.toString(), max: 4 });
    leaderPool.on('error', () => undefined); // its connections go silent with the proxy
    const leaderSends: Send[] = [];
    const standbySends: Send[] = [];
    const options = { lockKey: `roster-state:${db.schema}`, topics, batchSize: BATCH, leaseTimeoutMs: T };
    // The old leader competes again only long after the standby can have taken the freed lock.
    const leader = new RosterStatePublisher(leaderPool, noting(kafka, leaderSends), OrgEventSigner.fromEnv(), {
      ...options,
      idleMs: 8_000,
    });
    const standby = new RosterStatePublisher(db.pool, noting(kafka, standbySends), OrgEventSigner.fromEnv(), { ...options, idleMs: 50 });
    try {
      leader.start();
      await waitUntil('the first publisher to lead and send', () => leader.isLeader && leaderSends.length > 0, { timeoutMs: 30_000 });
      standby.start();
      const cutAt = Date.now();
      expect(proxy.blackhole()).toBeGreaterThan(0);
      await waitUntil('the leader to stop trusting its lease', () => !leader.isLeader, { timeoutMs: 5 * T, intervalMs: 10 });
      const lostAt = Date.now();
      expect(lostAt - cutAt).toBeLessThanOrEqual(T / 2 + 250);
      await waitUntil('the standby to take over', () => standby.isLeader, { timeoutMs: 15_000 });
      await waitUntil('every note published', async () => (await notesLeft()) === 0, { timeoutMs: 60_000, intervalMs: 100 });

      // The old leader started no send after it lost the lease, and its sends all ended before the new leader's began.
      expect(leaderSends.filter((s) => s.startedAt > lostAt)).toEqual([]);
      expect(standbySends.length).toBeGreaterThan(0);
      const lastOld = Math.max(...leaderSends.map((s) => s.endedAt));
      expect(standbySends.filter((s) => s.startedAt < lastOld)).toEqual([]);
      const { latest } = await latestByKey(kafka, topics.member);
      const { rows } = await db.pool.query<{ id: string }>(`select id from members where name like 'silence%'`);
      expect(rows).toHaveLength(MEMBERS);
      expect(rows.filter((r) => !latest.has(`member-${r.id}`))).toEqual([]);
    } finally {
      await proxy.close();
      await Promise.all([leader.stop(), standby.stop()]);
      await leaderPool.end();
    }
  }, 120_000);
});

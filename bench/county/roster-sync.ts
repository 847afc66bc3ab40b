/**
 * Inbound roster sync end to end (issue 17: ≥ 5,000 messages/s for 100,000 members).
 *   npm run bench:county -- [--members N] [--batch N] [--concurrency N] [--json]
 *
 * In a scratch schema of the test database (organization's migrations, the demo region): the
 * organization service's county gate (CountyInboundConsumer with the roster handlers, the scope
 * from its own tree, the real TokenVerifier) and its outbox relay (signing every record, as the
 * service runs it) are started in this process. N RosterMemberSynced messages (default 100,000:
 * new members spread over three branches of 松岭旗) are published with a real county-songling
 * token (client credentials) to an inbound topic of the bench's own (LogAppendTime, 3 partitions).
 * The clock runs from the first send until all N replies are on the county's reply topic:
 * msg/s = N / that time; a message's latency = its reply's arrival − its send. The relay writes
 * to topics of the bench's own (the records' topics rewritten), so no real topic gets bench
 * members or replies. The roster-state publisher is not run (it would share the CPU in service).
 * Then, in the same run and schema, what Postgres alone allows (bench/county/ceiling.ts), and the
 * floor (bench/county/floor.ts): the Kafka hops alone, with the run's own relayed records, and the
 * roster SQL alone, each side's CPU per message; their sum is this design's floor on this stack (ADR 0134).
 * Schema, topics and groups are removed afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { OrgEventSigner, TokenVerifier } from '@vanguard/auth';
import {
  CountyRosterMemberRemoved,
  CountyRosterMemberSynced,
  ENVELOPE_HEADERS,
  publicContracts,
  type EventEnvelope,
} from '@vanguard/contracts';
import { CountyInboundConsumer, PgCountyInboundStore, ensureCountyTopics, type CountyBatchHandler } from '@vanguard/county-inbound';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { OutboxRelaySource, Relay, ensureTopics, headerValue, toKafkaMessage, type RelaySource } from '@vanguard/messaging';
import { claimsOf, serviceTokenFor } from '@vanguard/testing';
import { CountyRosterHandler } from '../../services/organization/src/application/county/county-roster.handler';
import { PgCountyRosterStore } from '../../services/organization/src/infrastructure/county/pg-county-roster.store';
import { TreeCountyScope } from '../../services/organization/src/infrastructure/county/tree-county-scope';
import { organizationMigrations } from '../../services/organization/src/infrastructure/migrations';
import { signingRelaySource } from '../../services/organization/src/infrastructure/outbox/signing-relay-source';
import { DEMO_REGION, ensureOrganizations } from '../../services/organization/src/infrastructure/seed/demo-region';
import { SystemClock } from '../../services/organization/src/infrastructure/system/system-clock';
import { UuidIdGenerator } from '../../services/organization/src/infrastructure/system/uuid-id-generator';
import { organizationConfig } from '../../services/organization/src/organization.config';
import { brokerCpuMs, budgetLine, cpuBudget, postgresCpuMs, processCpuMs, type CpuBudget } from '../shared/process-cpu';
import { rawInsertCeiling, rosterSqlCeiling } from './ceiling';
import { floorBudget, floorNames, kafkaHopsFloor, measuredPart, sampleTopic } from './floor';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = argv.includes('--json');
const log = (...a: unknown[]) => (JSON_OUT ? process.stderr.write(`${a.join(' ')}\n`) : console.log(...a));
const COUNTY = 'county-songling';
const BRANCHES = ['910425101201', '910425101', '910425102'].map(demoOrgId);
const SEND_CHUNK = 1_000;

/** The relay's records to the bench's own topics: replies to one, organisation events to another. */
function redirected<C>(source: RelaySource<C>, topics: { replies: string; events: string }): RelaySource<C> {
  const read: RelaySource<C>['read'] = async (after, limit) => {
    const batch = await source.read(after, limit);
    const to = (t: string | undefined) => (t?.startsWith('vanguard.county.replies.') ? topics.replies : topics.events);
    return { ...batch, records: batch.records.map((r) => ({ ...r, topic: to(r.topic) })) };
  };
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'read') return read;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const members = num('members', 100_000);
  const batchSize = num('batch', 500);
  // As CountyInboundRunner runs it: each of the inbound topic's 3 partitions in its own transaction at once.
  const concurrency = num('concurrency', 3);
  const infra = infraConfig();
  const schema = `bench_county_${randomBytes(4).toString('hex')}`;
  const topics = {
    inbound: `bench.${schema}.county-inbound`,
    replies: `bench.${schema}.county-replies`,
    events: `bench.${schema}.organization-events`,
  };
  const admin = new Pool({ connectionString: infra.testDatabaseUrl, max: 1 });
  await admin.query(`create schema "${schema}"`);
  const url = new URL(infra.testDatabaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new Pool({ connectionString: url.toString(), max: 10 });
  const kafka = new Kafka({ clientId: 'bench-county', brokers: [...infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const load0 = loadavg();
  let consumer: CountyInboundConsumer<PoolClient> | undefined;
  let relay: Relay | undefined;
  const tap = kafka.consumer({ groupId: `bench-county-tap-${schema}` });
  const floor = floorNames(`bench.${schema}`);
  const producer = kafka.producer();
  try {
    const ds = new DataSource({
      type: 'postgres',
      url: url.toString(),
      schema,
      migrations: organizationMigrations,
      migrationsTableName: 'migrations',
    });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    await ensureOrganizations(pool, DEMO_REGION);
    await ensureCountyTopics(kafka, [COUNTY], { inboundTopic: topics.inbound });
    await ensureTopics(kafka, [topics.replies, topics.events], { numPartitions: 3 });

    // The county system: a real token, messages built as the reference client builds them.
    const token = await serviceTokenFor(COUNTY);
    const sub = String(claimsOf(token)['sub']);
    const countyOrg = demoOrgId('910425');
    /** Message `i` of the roster, as the reference client builds it: a new member of one of BRANCHES, with the county's token. */
    const rosterMessage = (i: number, at: string): Message => {
      const countyMemberId = randomUUID();
      const envelope: EventEnvelope = {
        eventId: randomUUID(),
        type: CountyRosterMemberSynced.type,
        version: 1,
        streamId: `roster-member-${countyMemberId}`,
        streamVersion: 1,
        occurredAt: at,
        recordedAt: at,
        actor: { sub, roles: ['county_system'], orgId: countyOrg, kind: 'service' },
        orgId: countyOrg,
        correlationId: randomUUID(),
        causationId: null,
        data: {
          memberId: countyMemberId,
          orgId: BRANCHES[i % BRANCHES.length],
          name: `党员${i}`,
          status: i % 5 ? 'full' : 'probationary',
          joinedOn: '2001-07-01',
          roles: i % 50 ? [] : ['party_worker'],
          posts: i % 20 ? [] : ['pioneer_post'],
        },
      };
      const m = toKafkaMessage(envelope);
      return { ...m, headers: { ...m.headers, authorization: `Bearer ${token}` } };
    };
    const sentAt = new Map<string, number>();
    const repliedAt = new Map<string, number>();
    const outcomes = new Map<string, number>();

    await tap.connect();
    await tap.subscribe({ topics: [topics.replies], fromBeginning: true });
    await tap.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          const reply = (JSON.parse(m.value!.toString()) as EventEnvelope<{ messageId: string; outcome: string; code?: string }>).data;
          if (!repliedAt.has(reply.messageId)) repliedAt.set(reply.messageId, now);
          const k = reply.code ? `${reply.outcome} ${reply.code}` : reply.outcome;
          outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
        }
        return Promise.resolve();
      },
    });

    // The service's side, wired as CountyInboundRunner and OutboxRelayRunner wire it.
    const clock = new SystemClock();
    const scope = new TreeCountyScope((sql, params) => pool.query(sql, params).then((r) => r.rows as never));
    const roster = new CountyRosterHandler(new PgCountyRosterStore(clock), scope.within, new UuidIdGenerator(), clock);
    const keycloak = organizationConfig(infra).keycloak;
    consumer = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: `bench-county-${schema}`,
      owner: 'organization',
      tokenVerifier: new TokenVerifier(keycloak),
      knownCounties: [COUNTY],
      contracts: publicContracts,
      scope: scope.within,
      handlers: {
        [CountyRosterMemberSynced.type]: roster.synced as CountyBatchHandler<PoolClient>,
        [CountyRosterMemberRemoved.type]: roster.removed as CountyBatchHandler<PoolClient>,
      },
      store: new PgCountyInboundStore(pool),
      topic: topics.inbound,
      batchSize,
      partitionsConsumedConcurrently: concurrency,
      ensureTopics: false,
      logger: {
        info: () => undefined,
        warn: (o, m) => log(`gate warn: ${m ?? ''} ${JSON.stringify(o)}`),
        error: (o, m) => log(`gate error: ${m ?? ''} ${JSON.stringify(o)}`),
      },
    });
    await consumer.start();
    relay = new Relay({
      source: redirected(
        signingRelaySource(new OutboxRelaySource(pool, { name: `bench.${schema}.outbox` }), OrgEventSigner.fromEnv(), publicContracts),
        topics,
      ),
      kafka,
    });
    relay.start();

    await producer.connect();
    // The clock starts once the gate holds its partitions (a group join takes seconds; the service joins once at boot).
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    for (const groupId of [`bench-county-${schema}`, `bench-county-tap-${schema}`])
      for (let i = 0; ; i++) {
        const { groups } = await kafkaAdmin.describeGroups([groupId]);
        if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) break;
        if (i > 300) throw new Error(`${groupId} never became stable`);
        await new Promise((r) => setTimeout(r, 100));
      }
    await kafkaAdmin.disconnect();
    log(
      `publishing ${members.toLocaleString('en')} RosterMemberSynced (gate batches of ${batchSize}, ${concurrency} partitions at once) …`,
    );
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const mainThread0 = processCpuMs(`${process.pid}/task/${process.pid}`);
    const postgres0 = postgresCpuMs();
    const broker0 = brokerCpuMs();
    for (let done = 0; done < members; done += SEND_CHUNK) {
      const messages: Message[] = [];
      const now = Date.now();
      const at = new Date(now).toISOString();
      for (let i = done; i < Math.min(members, done + SEND_CHUNK); i++) {
        const m = rosterMessage(i, at);
        messages.push(m);
        sentAt.set(headerValue(m.headers, ENVELOPE_HEADERS.eventId)!, now);
      }
      await producer.send({ topic: topics.inbound, messages });
    }
    const published = Date.now();
    log(`published in ${((published - t0) / 1000).toFixed(1)} s; waiting for the replies …`);
    let lastCount = -1;
    let lastChange = Date.now();
    let decidedAt: number | undefined;
    let turns = 0;
    while (repliedAt.size < members) {
      await new Promise((r) => setTimeout(r, 200));
      if (argv.includes('--progress'))
        log(
          `  ${((Date.now() - t0) / 1000).toFixed(1)} s: decided ${(await pool.query<{ n: number }>(`select count(*)::int as n from county_messages`)).rows[0]!.n}, replied ${repliedAt.size}`,
        );
      // When the gate had decided every message (replies written to the outbox), to tell its share from the relay's:
      // counted once a second, not at every turn, as the count reads the whole ledger in the Postgres being measured.
      if (
        !decidedAt &&
        ++turns % 5 === 0 &&
        (await pool.query<{ n: number }>(`select count(*)::int as n from county_messages`)).rows[0]!.n >= members
      )
        decidedAt = Date.now();
      if (repliedAt.size !== lastCount) {
        lastCount = repliedAt.size;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 120_000) throw new Error(`no reply for 120 s at ${repliedAt.size} of ${members}`);
    }
    // This process's CPU (gate, handler, relay, and the county's side: its producer and reply tap):
    // far steadier than msg/s on a machine that other work shares, so a change is judged by both.
    const cpu = process.cpuUsage(cpu0);
    const mainThreadUs = ((processCpuMs(`${process.pid}/task/${process.pid}`) - mainThread0) * 1000) / members;
    const since = (before: number | undefined, now: number | undefined) =>
      before === undefined || now === undefined ? undefined : now - before;
    const budget = cpuBudget(
      { bench: (cpu.user + cpu.system) / 1000, postgres: since(postgres0, postgresCpuMs()), broker: since(broker0, brokerCpuMs()) },
      members,
      availableParallelism(),
    );
    const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / members;
    const t1 = Math.max(...repliedAt.values());
    const seconds = (t1 - t0) / 1000;
    const latencies = [...sentAt].map(([id, s]) => repliedAt.get(id)! - s).sort((a, b) => a - b);
    const load1 = loadavg();
    const linked = (await pool.query<{ n: number }>(`select count(*)::int as n from county_member_links`)).rows[0]!.n;
    log(`end to end: ${members.toLocaleString('en')} replies in ${seconds.toFixed(1)} s = ${Math.round(members / seconds)} msg/s`);
    log(
      `gate decided all in ${(((decidedAt ?? t1) - t0) / 1000).toFixed(1)} s (${Math.round(members / (((decidedAt ?? t1) - t0) / 1000))} msg/s); the relay's last reply ${((t1 - (decidedAt ?? t1)) / 1000).toFixed(1)} s later`,
    );
    log(`this process's CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s = ${cpuMsPerMessage.toFixed(2)} ms per message`);
    log(
      `CPU per message, every process: ${budgetLine(budget, 'msg/s')}; this process's main thread alone (${Math.round(mainThreadUs)} µs, the county's producer and reply tap included) at most ${Math.floor(1e6 / mainThreadUs).toLocaleString('en')}`,
    );
    log(
      `reply latency p50 ${(pct(latencies, 50) / 1000).toFixed(1)} s, p99 ${(pct(latencies, 99) / 1000).toFixed(1)} s; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; links ${linked}`,
    );

    await consumer.stop();
    consumer = undefined;
    await relay.stop();
    relay = undefined;
    // The county's side too: its idle fetches and heartbeats would count against the parts below.
    await Promise.all([tap.disconnect(), producer.disconnect()]);
    log('ceilings (same run, same schema, Postgres alone) …');
    const raw = await rawInsertCeiling(pool, 5);
    // The run's dead rows and dirty pages are not the SQL's to pay for: vacuumed and written out first.
    const tables = await pool.query<{ t: string }>(
      `select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname = $1`,
      [schema],
    );
    for (const { t } of tables.rows) await pool.query(`vacuum analyze ${t}`);
    await pool.query('checkpoint');
    const { part: sqlPart, result: sql } = await measuredPart('roster SQL', ['postgres', 'this process'], () =>
      rosterSqlCeiling(pool, BRANCHES[0]!, members, batchSize),
    );
    for (const c of [raw, sql]) log(`${c.label}: ${Math.round(c.perSecond)}/s`);
    // The floor: this design's parts on this stack, each alone (bench/county/floor.ts).
    const replies = await sampleTopic(kafka, topics.replies, 3_000, floor.groups.sample(topics.replies));
    const events = await sampleTopic(kafka, topics.events, 6_000, floor.groups.sample(topics.events));
    const relayed = { replies: replies.messages, events: events.messages, eventsPerMessage: events.total / members };
    log(`floor: the parts alone (${relayed.eventsPerMessage.toFixed(2)} events relayed per message in this run) …`);
    const hops = await kafkaHopsFloor(kafka, {
      prefix: `bench.${schema}`,
      members,
      chunk: SEND_CHUNK,
      concurrency,
      inbound: rosterMessage,
      relayed,
    });
    const cores = availableParallelism();
    const everything = floorBudget([...hops, sqlPart], members, cores);
    // In production the county's side runs on the county's machine.
    const platform = floorBudget([hops[1]!, sqlPart], members, cores);
    const needs = (b: CpuBudget) => `; 5,000 msg/s would need ${((b.totalUs * 5_000) / 1e6).toFixed(2)} cores for them`;
    log(`  everything, the county's side included: ${budgetLine(everything, 'msg/s')}${needs(everything)}`);
    log(`  the platform's side alone: ${budgetLine(platform, 'msg/s')}${needs(platform)}`);
    const load2 = loadavg();
    const result = {
      members,
      gateBatch: batchSize,
      partitionsConsumedConcurrently: concurrency,
      seconds: Number(seconds.toFixed(1)),
      gateSeconds: Number((((decidedAt ?? t1) - t0) / 1000).toFixed(1)),
      messagesPerSecond: Math.round(members / seconds),
      cpuMsPerMessage: Number(cpuMsPerMessage.toFixed(3)),
      cpuPerMessageUs: budget.perItemUs,
      cpuCeilingMessagesPerSecond: budget.ceilingPerSecond,
      latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99) },
      outcomes: Object.fromEntries(outcomes),
      ceilings: { rawInsertPerSecond: Math.round(raw.perSecond), rosterSqlMembersPerSecond: Math.round(sql.perSecond) },
      floor: { eventsPerMessage: relayed.eventsPerMessage, everything, platform, loadAverageAfter: load2.map((l) => Number(l.toFixed(1))) },
      loadAverage: { start: load0.map((l) => Number(l.toFixed(1))), end: load1.map((l) => Number(l.toFixed(1))) },
    };
    log(`load average at start ${result.loadAverage.start.join(' ')}, at the end ${result.loadAverage.end.join(' ')}`);
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await consumer?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await tap.disconnect().catch(() => undefined);
    await pool.end();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    const a = kafka.admin();
    await a.connect();
    // Every topic of the run, `.dlq` twins included (ensureTopics makes one for each).
    const mine = (await a.listTopics()).filter((t) => t.startsWith(`bench.${schema}.`));
    await a.deleteTopics({ topics: mine }).catch(() => undefined);
    const groups = [`bench-county-${schema}`, `bench-county-tap-${schema}`, ...[topics.replies, topics.events].map(floor.groups.sample)];
    await a.deleteGroups([...groups, floor.groups.gate, floor.groups.tap]).catch(() => undefined);
    await a.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

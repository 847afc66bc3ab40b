// `npm run seed`'s county demo carried into reporting's projection the way the platform carries it,
// in a database and Kafka topics of its own: shared by `npm run example:reporting` (which renders the
// summary) and reporting's work-summary-against-owners suite (which checks it against the stores).
//
// The seeded stores — 松岭旗's organisations and members, evaluation's running campaign, assistance,
// commendation, publicity's articles — are published as the services publish them: the roster state
// publisher (organisation and member states, signed), the evaluation and commendation event-store
// relays, the assistance and publicity outbox relays; reporting's ProjectionRunner consumes them as
// the running service does.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { EventSigner, OrgEventSigner, ScopeService, eventContext } from '@vanguard/auth';
import { ContractRegistry, MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC, commendationContracts } from '@vanguard/contracts';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { EventStoreRelaySource, OutboxRelaySource, Relay, defaultTopicFor, ensureTopics, type RelaySource } from '@vanguard/messaging';
import { waitUntil } from '@vanguard/testing';
import { RosterStatePublisher } from '../services/organization/src/infrastructure/roster-state/roster-state-publisher';
import { evaluationRelayContracts } from '../services/evaluation/src/infrastructure/relay/evaluation-relay.runner';
import { seedEvaluationDemo } from '../services/evaluation/src/infrastructure/seed';
import { seedCommendationDemo } from '../services/commendation/src/infrastructure/seed/demo-commendation.seed';
import { seedPublicityDemo } from '../services/publicity/src/infrastructure/seed/demo-publicity.seed';
import { ProjectionRunner } from '../services/reporting/src/infrastructure/projection/projection.runner';
import { RPT_ORG_TABLE } from '../services/reporting/src/infrastructure/projection/projection-handlers';
import { reportingContracts } from '../services/reporting/src/infrastructure/projection/source-topics';
import { seed, seedAssistance } from './seed';

/** 松岭旗, the seeded county. */
export const DEMO_COUNTY = demoOrgId('910425');

export interface DemoReportingPipeline {
  /** The database every store and the projection live in. */
  readonly url: string;
  /** Reporting's own connection (its schema first on the search path). */
  readonly reporting: Pool;
  /** A connection that reads every service's schema by its qualified name. */
  readonly stores: Pool;
  /** Drops the database, the topics and the consumer group. */
  close(): Promise<void>;
}

export interface DemoReportingOptions {
  /** The database to make afresh (dropped first if it is there). */
  readonly database: string;
  /** Kafka client id; the topics are `<clientId>-<random>.*`. */
  readonly clientId: string;
  readonly log?: (line: string) => void;
  /** How long the projection may take to catch up. */
  readonly catchUpMs?: number;
}

type Service = 'organization' | 'evaluation' | 'commendation' | 'assistance' | 'publicity' | 'reporting';

/**
 * Seeds, publishes and projects; resolves once the projection has consumed every record. On
 * failure everything it made is removed before it rejects; otherwise the caller's `close()` does.
 */
export async function runDemoReportingPipeline(options: DemoReportingOptions): Promise<DemoReportingPipeline> {
  const log = options.log ?? (() => undefined);
  const infra = infraConfig();
  const url = await database(options.database, 'fresh');
  const prefix = `${options.clientId}-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: options.clientId, brokers: [...infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const pools: Pool[] = [];
  const pool = (service: Service) => {
    const p = new Pool({ connectionString: serviceDatabaseUrl(service, url), max: 4 });
    pools.push(p);
    return p;
  };
  const stores = new Pool({ connectionString: url, max: 4 });
  pools.push(stores);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(pools.map((p) => p.end()));
    const admin = kafka.admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    await admin.deleteTopics({ topics: mine }).catch((e: unknown) => log(`could not delete the topics: ${String(e)}`));
    await admin.deleteGroups([`${prefix}.projections`]).catch(() => undefined);
    await admin.disconnect();
    await database(options.database, 'drop');
  };

  let runner: ProjectionRunner | undefined;
  try {
    await seedCountyDemo(url);
    await ensureTopics(kafka, reportingContracts(prefix).topics());
    const states = await publishRoster(kafka, prefix, pool('organization'));
    const published = {
      evaluation: await drain(
        kafka,
        prefix,
        new EventStoreRelaySource(new PostgresEventStore(stores, { schema: 'evaluation' }), stores, {
          contracts: evaluationRelayContracts,
          name: 'example-relay',
        }),
      ),
      commendation: await drain(
        kafka,
        prefix,
        new EventStoreRelaySource(new PostgresEventStore(stores, { schema: 'commendation' }), stores, {
          contracts: new ContractRegistry([...commendationContracts]),
          name: 'example-relay',
        }),
      ),
      assistance: await drain(kafka, prefix, new OutboxRelaySource(pool('assistance'), { name: 'example-relay', schema: 'assistance' })),
      publicity: await drain(kafka, prefix, new OutboxRelaySource(pool('publicity'), { name: 'example-relay', schema: 'publicity' })),
    };
    log(`published ${states} roster states, ${JSON.stringify(published)} events to ${prefix}.*`);

    const reporting = pool('reporting');
    runner = new ProjectionRunner(reporting, new ScopeService({ table: RPT_ORG_TABLE }), {
      enabled: true,
      brokers: infra.kafkaBrokers,
      groupId: `${prefix}.projections`,
      topicPrefix: prefix,
    });
    await runner.onApplicationBootstrap();
    await runner.start();
    await caughtUp(runner, options.catchUpMs ?? 300_000);
    await runner.onModuleDestroy();
    runner = undefined;
    return { url, reporting, stores, close };
  } catch (e) {
    await runner?.onModuleDestroy();
    await close();
    throw e;
  }
}

async function database(name: string, action: 'fresh' | 'drop'): Promise<string> {
  const infra = infraConfig();
  const admin = new Client({ connectionString: infra.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    if (action === 'fresh') await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `npm run seed`'s county demo, pointed at `url` for this run only. */
async function seedCountyDemo(url: string): Promise<void> {
  // The seed functions read the platform's database from the environment.
  const platformUrl = process.env['DATABASE_URL'];
  process.env['DATABASE_URL'] = url;
  try {
    await seed('county', 'platform');
    await seedEvaluationDemo(serviceDatabaseUrl('evaluation', url));
    await seedAssistance('platform');
    await seedCommendationDemo(serviceDatabaseUrl('commendation', url));
    await seedPublicityDemo(serviceDatabaseUrl('publicity', url));
  } finally {
    if (platformUrl === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = platformUrl;
  }
}

async function publishRoster(kafka: Kafka, prefix: string, organization: Pool): Promise<number> {
  const roster = new RosterStatePublisher(organization, kafka, OrgEventSigner.fromEnv(), {
    lockKey: `roster-state:${prefix}`,
    topics: { organization: `${prefix}.${ORGANIZATION_STATE_TOPIC}`, member: `${prefix}.${MEMBER_STATE_TOPIC}` },
  });
  return sendAll(`roster states`, {
    once: () => roster.publishOnce(),
    leads: () => roster.isLeader,
    stop: () => roster.stop(),
  });
}

interface Sender {
  /** One round; how many it sent. */
  once(): Promise<number>;
  /** Holds its lease now: a round that sent nothing while leading found nothing to send. */
  leads(): boolean;
  /** The last round's source held records back behind an open transaction: more will come. */
  heldBack?(): boolean;
  stop(): Promise<void>;
}

const SEND_ALL_MS = 120_000;

/**
 * Runs rounds until one sends nothing while leading with nothing held back, then `stop`, whatever
 * happened; how many it sent in all. On a loaded machine a lease lapses (its heartbeat late: a
 * clean-clone CI lost the roster states' lease while sending) or a round finds records behind
 * another database's open transaction; what such a round did not send stays noted, so the next
 * round, which takes the lease again, sends it, until a deadline.
 */
async function sendAll(what: string, sender: Sender): Promise<number> {
  const deadline = Date.now() + SEND_ALL_MS;
  let n = 0;
  let last: unknown;
  try {
    for (;;) {
      try {
        const sent = await sender.once();
        n += sent;
        if (sent === 0 && sender.leads() && !sender.heldBack?.()) return n;
        if (sent > 0) continue;
      } catch (e) {
        if (sender.leads()) throw e;
        last = e;
      }
      if (Date.now() > deadline)
        throw new Error(`${what}: not drained after ${SEND_ALL_MS} ms (lease lapsed or records held back)`, { cause: last });
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await sender.stop();
  }
}

const signers = new Map<string, EventSigner>();
const signerOf = (context: string): EventSigner => {
  if (!signers.has(context)) signers.set(context, EventSigner.forContext(context));
  return signers.get(context)!;
};

/** A relay over `source` onto the pipeline's topics, run until the source is drained; returns how many it published. */
async function drain(kafka: Kafka, prefix: string, source: RelaySource<unknown>): Promise<number> {
  // The sources name each record's topic themselves (the Relay's `topicFor` only fills in a
  // missing one), so the prefix goes on every record here: nothing may reach the platform's topics.
  const prefixed: RelaySource<unknown> = {
    name: source.name,
    get isLeader() {
      return source.isLeader;
    },
    read: async (after, limit) => {
      const batch = await source.read(after, limit);
      // Signed as each context's relay signs (ADR 0059): reporting counts only what its producer signed.
      const records = batch.records.map((r) => ({
        envelope: signerOf(eventContext(r.envelope.type)).sign(r.envelope),
        topic: `${prefix}.${r.topic ?? defaultTopicFor(r.envelope)}`,
      }));
      return { ...batch, records };
    },
    commit: (checkpoint) => source.commit(checkpoint),
    deadLetter: (refused) => source.deadLetter?.(refused) ?? Promise.resolve(),
    close: () => source.close?.() ?? Promise.resolve(),
  };
  const relay = new Relay({ source: prefixed, kafka, batchSize: 2_000 });
  return sendAll(`${source.name} relay`, {
    once: () => relay.relayOnce(),
    leads: () => prefixed.isLeader !== false && !relay.stats.standby,
    heldBack: () => relay.stats.heldBack,
    stop: () => relay.stop(),
  });
}

/** Until every source topic's lag is 0 (the consumer has committed past every published record). */
async function caughtUp(runner: ProjectionRunner, timeoutMs: number): Promise<void> {
  let last: unknown;
  await waitUntil(
    'the projection to catch up',
    async () => {
      const { topics } = await runner.lag();
      last = topics;
      return topics.every((t) => t.lag === 0);
    },
    { timeoutMs, intervalMs: 200 },
  ).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; lag: ${JSON.stringify(last)}`);
  });
}

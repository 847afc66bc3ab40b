// The demo county's work summary (工作总结) as docs/examples/ holds it, made by the platform's own code:
//
//   npm run example:reporting [-- --period 2026] [--out docs/examples]
//
// In a database of its own (`vanguard_example_reporting`, made afresh, dropped at the end):
// `npm run seed`'s county demo (松岭旗's organisations and members, evaluation's running campaign,
// assistance, commendation). Then every store is published as the services publish it — the
// roster state publisher (organisation and member states, signed), the evaluation and commendation
// event-store relays, the assistance outbox relay — to Kafka topics of its own
// (`example-reporting-<id>.*`, deleted at the end); reporting's ProjectionRunner consumes them as
// the running service does; the summary is built from the projection (SqlFiguresReadModel →
// buildWorkSummary) and written as Markdown, Word and PDF by the exporters the HTTP routes use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { EventSigner, OrgEventSigner, ScopeService, eventContext } from '@vanguard/auth';
import { ContractRegistry, MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC, commendationContracts } from '@vanguard/contracts';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { EventStoreRelaySource, OutboxRelaySource, Relay, defaultTopicFor, ensureTopics, type RelaySource } from '@vanguard/messaging';
import { RosterStatePublisher } from '../services/organization/src/infrastructure/roster-state/roster-state-publisher';
import { evaluationRelayContracts } from '../services/evaluation/src/infrastructure/relay/evaluation-relay.runner';
import { seedEvaluationDemo } from '../services/evaluation/src/infrastructure/seed';
import { seedCommendationDemo } from '../services/commendation/src/infrastructure/seed/demo-commendation.seed';
import { parsePeriod } from '../services/reporting/src/domain/period';
import { renderMarkdown } from '../services/reporting/src/domain/summary-markdown';
import { buildWorkSummary } from '../services/reporting/src/domain/work-summary';
import { summaryDocx } from '../services/reporting/src/infrastructure/export/summary-docx';
import { summaryPdf } from '../services/reporting/src/infrastructure/export/summary-pdf';
import { ProjectionRunner } from '../services/reporting/src/infrastructure/projection/projection.runner';
import { RPT_ORG_TABLE } from '../services/reporting/src/infrastructure/projection/projection-handlers';
import { reportingContracts } from '../services/reporting/src/infrastructure/projection/source-topics';
import { SqlFiguresReadModel } from '../services/reporting/src/infrastructure/sql-figures.read-model';
import { seed, seedAssistance } from './seed';

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const PERIOD = arg('period', new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
const OUT = arg('out', join(__dirname, '..', 'docs', 'examples'));
const DB = 'vanguard_example_reporting';
const COUNTY = demoOrgId('910425');
const log = (s: string) => process.stderr.write(`[example] ${s}\n`);
const infra = infraConfig();

async function database(action: 'fresh' | 'drop'): Promise<string> {
  const admin = new Client({ connectionString: infra.postgresAdminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  if (action === 'fresh') await admin.query(`create database ${DB}`);
  await admin.end();
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${DB}`;
  return url.toString();
}

const signers = new Map<string, EventSigner>();
const signerOf = (context: string): EventSigner => {
  if (!signers.has(context)) signers.set(context, EventSigner.forContext(context));
  return signers.get(context)!;
};

/** A relay over `source` onto the example's topics, run until the source is drained; returns how many it published. */
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
  let n = 0;
  try {
    for (let sent = await relay.relayOnce(); sent > 0; sent = await relay.relayOnce()) n += sent;
  } finally {
    await relay.stop();
  }
  return n;
}

async function main(): Promise<void> {
  const period = parsePeriod(PERIOD);
  if (!period) throw new Error(`--period must be a year (YYYY) or a quarter (YYYY-Qn), got ${PERIOD}`);
  const url = await database('fresh');
  const prefix = `example-reporting-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: 'example-reporting', brokers: [...infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const pools: Pool[] = [];
  const pool = (service: 'organization' | 'evaluation' | 'commendation' | 'assistance' | 'reporting') => {
    const p = new Pool({ connectionString: serviceDatabaseUrl(service, url), max: 4 });
    pools.push(p);
    return p;
  };
  let runner: ProjectionRunner | undefined;
  const platformUrl = process.env['DATABASE_URL'];
  try {
    // `npm run seed`'s county demo, pointed at the example database for this run only.
    process.env['DATABASE_URL'] = url;
    try {
      await seed('county', 'platform');
      await seedEvaluationDemo(serviceDatabaseUrl('evaluation', url));
      await seedAssistance('platform');
      await seedCommendationDemo(serviceDatabaseUrl('commendation', url));
    } finally {
      if (platformUrl === undefined) delete process.env['DATABASE_URL'];
      else process.env['DATABASE_URL'] = platformUrl;
    }

    await ensureTopics(kafka, reportingContracts(prefix).topics());
    const roster = new RosterStatePublisher(pool('organization'), kafka, OrgEventSigner.fromEnv(), {
      lockKey: `roster-state:${prefix}`,
      topics: { organization: `${prefix}.${ORGANIZATION_STATE_TOPIC}`, member: `${prefix}.${MEMBER_STATE_TOPIC}` },
    });
    let states = 0;
    try {
      for (let sent = await roster.publishOnce(); sent > 0; sent = await roster.publishOnce()) states += sent;
    } finally {
      await roster.stop();
    }
    const admin = new Pool({ connectionString: url, max: 4 });
    pools.push(admin);
    const stores = {
      evaluation: await drain(
        kafka,
        prefix,
        new EventStoreRelaySource(new PostgresEventStore(admin, { schema: 'evaluation' }), admin, {
          contracts: evaluationRelayContracts,
          name: 'example-relay',
        }),
      ),
      commendation: await drain(
        kafka,
        prefix,
        new EventStoreRelaySource(new PostgresEventStore(admin, { schema: 'commendation' }), admin, {
          contracts: new ContractRegistry([...commendationContracts]),
          name: 'example-relay',
        }),
      ),
      assistance: await drain(kafka, prefix, new OutboxRelaySource(pool('assistance'), { name: 'example-relay', schema: 'assistance' })),
    };
    log(`published ${states} roster states, ${JSON.stringify(stores)} events to ${prefix}.*`);

    const reporting = pool('reporting');
    runner = new ProjectionRunner(reporting, new ScopeService({ table: RPT_ORG_TABLE }), {
      enabled: true,
      brokers: infra.kafkaBrokers,
      groupId: `${prefix}.projections`,
      topicPrefix: prefix,
    });
    await runner.onApplicationBootstrap();
    await runner.start();
    const deadline = Date.now() + 300_000;
    for (;;) {
      const lag = await runner.lag();
      if (lag.topics.every((t) => t.lag === 0)) break;
      if (Date.now() > deadline) throw new Error(`the projection did not catch up in 5 minutes: ${JSON.stringify(lag.topics)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await runner.onModuleDestroy();
    runner = undefined;

    const years = await reporting.query<{ year: number; facts: string }>(
      `select extract(year from day)::int as year, count(*) as facts from rpt_fact group by 1 order by 1`,
    );
    log(`projected facts by year: ${years.rows.map((r) => `${r.year}: ${r.facts}`).join(', ') || 'none'}`);
    const model = new SqlFiguresReadModel(reporting);
    const org = await model.org(COUNTY);
    if (!org) throw new Error('the demo county is not in the projection');
    const summary = buildWorkSummary({ orgId: COUNTY, orgName: org.name, period, figures: await model.figures(COUNTY, period) });
    mkdirSync(OUT, { recursive: true });
    const base = join(OUT, `work-summary-songling-${PERIOD}`);
    writeFileSync(`${base}.md`, renderMarkdown(summary));
    writeFileSync(`${base}.docx`, await summaryDocx(summary));
    writeFileSync(`${base}.pdf`, await summaryPdf(summary));
    log(`wrote ${base}.md, .docx and .pdf (${org.name}, ${PERIOD})`);
  } finally {
    await runner?.onModuleDestroy();
    await Promise.all(pools.map((p) => p.end()));
    const admin = kafka.admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    await admin.deleteTopics({ topics: mine }).catch((e: unknown) => log(`could not delete the example topics: ${String(e)}`));
    await admin.deleteGroups([`${prefix}.projections`]).catch(() => undefined);
    await admin.disconnect();
    await database('drop');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[example] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

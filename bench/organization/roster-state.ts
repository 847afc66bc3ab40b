/**
 * Roster state publisher throughput (ADR 0029): records per second from notes to the topics.
 *   node -r @swc-node/register bench/organization/roster-state.ts [--members N] [--runs N] [--batch N] [--publisher <module>] [--json]
 *
 * In a scratch schema of the test database: migrate, insert N members (default 20,000) into one
 * village with one statement (the triggers note each one, as an import does), then time the
 * publisher, started as the service starts it, until no note is left, publishing to compacted
 * topics of the bench's own (3 partitions, as the real ones). Repeated `--runs` times (default 3) on fresh notes (an update of a published column
 * notes every member again); the median is reported. Schema and topics are removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { OrgEventSigner } from '@vanguard/auth';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { organizationMigrations } from '../../services/organization/src/infrastructure/migrations';
import { RosterStatePublisher as CurrentPublisher } from '../../services/organization/src/infrastructure/roster-state/roster-state-publisher';
import { ensureCompactedStateTopics } from '../../services/organization/src/infrastructure/roster-state/roster-state-topics';
import { DEMO_REGION, ensureOrganizations } from '../../services/organization/src/infrastructure/seed/demo-region';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = argv.includes('--json');
const log = (...a: unknown[]) => (JSON_OUT ? process.stderr.write(`${a.join(' ')}\n`) : console.log(...a));

async function main(): Promise<void> {
  const members = num('members', 20_000);
  const runs = num('runs', 3);
  const batchSize = argv.includes('--batch') ? num('batch', 2_000) : undefined;
  const infra = infraConfig();
  const schema = `bench_roster_state_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: infra.testDatabaseUrl, max: 1 });
  await admin.query(`create schema "${schema}"`);
  const url = new URL(infra.testDatabaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  const kafka = new Kafka({ clientId: 'bench-roster-state', brokers: [...infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const topics = { organization: `bench.${schema}.organization-state`, member: `bench.${schema}.member-state` };
  // --publisher <module>: another build of the publisher with the same API (an older commit's copy), for before/after figures.
  const other = argv.includes('--publisher') ? argv[argv.indexOf('--publisher') + 1]! : undefined;
  const RosterStatePublisher = other
    ? ((await import(resolve(other))) as { RosterStatePublisher: typeof CurrentPublisher }).RosterStatePublisher
    : CurrentPublisher;
  const publisher = new RosterStatePublisher(pool, kafka, OrgEventSigner.fromEnv(), {
    lockKey: `roster-state:${schema}`,
    topics,
    ...(batchSize ? { batchSize } : {}),
  });
  const rates: number[] = [];
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
    await ensureCompactedStateTopics(kafka, [topics.organization, topics.member]);
    await pool.query(
      `insert into members (id, org_id, name, status, joined_on, roles, posts, membership, version)
       select gen_random_uuid(), $1, 'bench member ' || i, 'full', date '2001-07-01', '{party_worker}', '{pioneer_post}', 'active', 1
         from generate_series(1, $2) as i`,
      [demoOrgId('910425101201'), members],
    );
    for (let run = 0; run < runs; run++) {
      // Fresh notes for every member: a published column changes (roles), as a bulk role change would.
      if (run > 0)
        await pool.query(`update members set roles = array[$1] where org_id = $2`, [
          run % 2 ? 'secretary' : 'party_worker',
          demoOrgId('910425101201'),
        ]);
      const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from roster_state_changes`);
      // The publisher as the service runs it (start: its own loop), timed until no note is left.
      const t0 = process.hrtime.bigint();
      publisher.start();
      for (;;) {
        const left = await pool.query<{ n: number }>(`select count(*)::int as n from roster_state_changes`);
        if (left.rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      await publisher.stop();
      const sent = rows[0]!.n;
      rates.push(sent / s);
      log(`run ${run + 1}: ${sent.toLocaleString('en')} notes published in ${s.toFixed(2)} s = ${Math.round(sent / s)} records/s`);
    }
  } finally {
    await publisher.stop();
    await pool.end();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    const a = kafka.admin();
    await a.connect();
    await a.deleteTopics({ topics: [topics.organization, topics.member] }).catch(() => undefined);
    await a.disconnect();
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  const result = { members, runs, batchSize: batchSize ?? 'default', recordsPerSecond: rates.map(Math.round), median: Math.round(median) };
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
  else log(`median ${Math.round(median)} records/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

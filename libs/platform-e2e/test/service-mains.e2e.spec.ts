import { connect, type Socket } from 'node:net';
import { COUNTY_INBOUND_TOPIC, CountyMemberLinked, MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC, contextTopic } from '@vanguard/contracts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { SuiteGroups, spawnService, stopServices, terminate, waitUntil, whenReady, type ServiceProcess } from '@vanguard/testing';
import { failureLines } from './service-log';

// Every service other than organization and assistance (their own shutdown suites start theirs)
// started from its main.ts as `npm start` does — the path test apps never take. Two defects went
// unseen here: reporting and audit exited at start (Nest's abortOnError on a provider lookup), and
// the lookup logged an error in every service without commands.

// Evaluation alone takes 3–4.5 s to stop its four consumers on this machine: room for a loaded run,
// and still far below the minute Nest's own hooks waited.
const DEADLINE_MS = 10_000;
const STATE = [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC];
const organizationEvents = contextTopic('organization');
/** Their consumer groups, set where the shared topics end (a new group would read every earlier suite's events). */
const groups = new SuiteGroups(`mains-${process.pid}-${Date.now()}.`, {
  'evaluation.org-tree': [organizationEvents],
  'evaluation.roster.v2': STATE,
  'evaluation.county-member-links': [CountyMemberLinked.topic],
  'evaluation.county-inbound': [COUNTY_INBOUND_TOPIC],
  'commendation.org-tree': [organizationEvents],
  'commendation.eligibility-facts': [contextTopic('evaluation')],
  'publicity.org-tree': [organizationEvents],
  'publicity.decisions': [contextTopic('commendation'), contextTopic('evaluation')],
  'reporting.projections': [...STATE, ...['evaluation', 'commendation', 'assistance', 'publicity'].map((c) => contextTopic(c))],
});
/** The client id each group's members join with: the service, and which of its consumers, that reads it. */
const CLIENTS: Readonly<Record<string, string>> = {
  'evaluation.org-tree': 'evaluation',
  'evaluation.roster.v2': 'evaluation-roster',
  'evaluation.county-member-links': 'evaluation-county-links',
  'evaluation.county-inbound': 'evaluation-county-inbound',
  'commendation.org-tree': 'commendation',
  'commendation.eligibility-facts': 'commendation-eligibility',
  'publicity.org-tree': 'publicity',
  'publicity.decisions': 'publicity-decisions',
  'reporting.projections': 'reporting',
};
/** Which keep Idempotency-Key (they have commands); the others must not document it. */
const SERVICES = { evaluation: true, commendation: true, publicity: true, reporting: false, audit: false } as const;

/**
 * A request whose headers never end, on a connection the service has already answered once (so
 * it was accepted before the signal): Nest's own shutdown waited on it for its headers timeout (60 s).
 */
const halfSentRequest = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    s.once('data', (first: Buffer) => {
      if (!first.toString('latin1').startsWith('HTTP/1.1 200')) return reject(new Error(`answered ${first.toString('latin1', 0, 40)}`));
      s.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      resolve(s);
    });
    s.once('error', reject);
  });

/** Keys in order, so two maps compare as text. */
const byName = (entries: [string, string[]][]) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
/**
 * Every group under the suite's prefix, with its members' client ids: a group nobody listed shows
 * up as one more, and a listed group read by another consumer than its own as another client id.
 */
const membership = async (admin: Admin): Promise<Record<string, string[]>> => {
  const mine = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(groups.prefix));
  const { groups: described } = await admin.describeGroups(mine);
  return byName(described.map((g) => [g.groupId.slice(groups.prefix.length), [...new Set(g.members.map((m) => m.clientId))].sort()]));
};
const expectedMembership = byName(Object.entries(CLIENTS).map(([group, client]) => [group, [client]]));

/** Each service's lines that tell of a failure (service-log.ts), as `name: line`. */
const failuresLogged = (services: readonly ServiceProcess[]) =>
  services.flatMap((s) => failureLines(s.errorLines()).map((line) => `${s.name}: ${line.slice(0, 300)}`));

describe('every service started from its main.ts', () => {
  let services: ServiceProcess[] = [];
  const kafka = new Kafka({ clientId: 'service-mains', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  /** Until the groups under the prefix are exactly the listed ones, each with its own consumer as members. */
  const onlyTheKnownGroups = (timeoutMs: number) =>
    waitUntil(
      'only the listed groups, each joined by its own consumer',
      async () => {
        const now = await membership(admin);
        if (JSON.stringify(now) === JSON.stringify(expectedMembership)) return true;
        throw new Error(JSON.stringify(now));
      },
      { timeoutMs, intervalMs: 1000 },
    );

  beforeAll(async () => {
    // Organization's relay makes its events topic; on a broker it never ran against, the copies
    // here would wait for it (as they should), and never join.
    await admin.connect();
    await ensureTopics(kafka, [organizationEvents, CountyMemberLinked.topic]);
    await groups.startAtTopicEnds();
    services = await Promise.all(
      Object.keys(SERVICES).map((name) =>
        spawnService(name, {
          KAFKA_GROUP_PREFIX: groups.prefix,
          [`${name.toUpperCase()}_SHUTDOWN_DEADLINE_MS`]: String(DEADLINE_MS),
          // What they would send is not the subject here: their relays are off, audit's checkpoint
          // relay too — main.ts builds the platform's config, and its checkpoints of the test
          // database's stores would land on the platform's own topic on this broker, where a
          // county witness would take them for a fork (audit.config.unit.spec.ts holds the switch).
          EVALUATION_RELAY: 'off',
          COMMENDATION_RELAY: 'off',
          PUBLICITY_RELAY: 'off',
          AUDIT_CHECKPOINT_RELAY: 'off',
          VANGUARD_CHECKPOINT_INTERVAL_SEC: '3600',
        }),
      ),
    );
    await Promise.all(services.map((s) => whenReady(s)));
  }, 300_000);

  afterAll(async () => {
    await stopServices(services);
    await groups.remove();
    await admin.disconnect();
  });

  it('each starts with no error in its log and joins only the groups it is known to join', async () => {
    // Once each listed group has a member, a group nobody listed would have shown up too.
    await waitUntil('every consumer to join', async () => (await groups.notJoined()).length === 0, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    expect(await groups.unlisted()).toEqual([]);
    await onlyTheKnownGroups(60_000);
    expect(failuresLogged(services)).toEqual([]);
  }, 150_000);

  it('each documents Idempotency-Key exactly when it keeps the keys', async () => {
    const documented = Object.fromEntries(
      await Promise.all(
        services.map(async (s) => {
          const res = await fetch(`http://127.0.0.1:${s.port}/docs/openapi.json`);
          // A missing or failing document would read as "not documented": the answer first.
          expect({ service: s.name, status: res.status }).toEqual({ service: s.name, status: 200 });
          const doc = (await res.json()) as {
            openapi?: unknown;
            paths?: Record<string, Record<string, { parameters?: { name?: string; in?: string }[] }>>;
          };
          expect({ service: s.name, openapi: typeof doc.openapi, paths: Object.keys(doc.paths ?? {}).length > 0 }).toEqual({
            service: s.name,
            openapi: 'string',
            paths: true,
          });
          const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item));
          return [s.name, operations.some((op) => op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'))] as const;
        }),
      ),
    );
    expect(documented).toEqual(SERVICES);
  });

  it('on SIGTERM with a request still arriving, each exits 0 within its deadline, with no error logged', async () => {
    // Still only the known groups, after every test before this one: a consumer that joined late would show now.
    await onlyTheKnownGroups(20_000);
    const sockets = await Promise.all(services.map((s) => halfSentRequest(s.port)));
    try {
      const t0 = Date.now();
      const codes = await Promise.all(services.map(async (s) => [s.name, await terminate(s, DEADLINE_MS + 2_000)] as const));
      const failed = codes
        .filter(([, code]) => code !== 0)
        .map(
          ([name, code]) =>
            `${name}: ${code}\n${services
              .find((s) => s.name === name)
              ?.output()
              .slice(-2000)}`,
        );
      expect(failed).toEqual([]);
      // Exit 0 is the proof the deadline was kept: its timer exits 1, and Nest's own hooks end the
      // process by the signal (no code) once the half-sent requests time out. The clock also counts
      // the signals' delivery and five processes' teardown on a loaded machine.
      expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 2_000);
      // Everything logged from the start to the exit, the shutdown included.
      await Promise.all(services.map((s) => s.outputRead));
      expect(failuresLogged(services)).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
    }
  }, 60_000);
});

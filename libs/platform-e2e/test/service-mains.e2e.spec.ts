import { connect, type Socket } from 'node:net';
import { COUNTY_INBOUND_TOPIC, CountyMemberLinked, MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC, contextTopic } from '@vanguard/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { SuiteGroups, spawnService, stopServices, terminate, waitUntil, whenReady, type ServiceProcess } from '@vanguard/testing';

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

describe('every service started from its main.ts', () => {
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    // Organization's relay makes its events topic; on a broker it never ran against, the copies
    // here would wait for it (as they should), and never join.
    const kafka = new Kafka({ clientId: 'service-mains', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [organizationEvents, CountyMemberLinked.topic]);
    await groups.startAtTopicEnds();
    services = await Promise.all(
      Object.keys(SERVICES).map((name) =>
        spawnService(name, {
          KAFKA_GROUP_PREFIX: groups.prefix,
          [`${name.toUpperCase()}_SHUTDOWN_DEADLINE_MS`]: String(DEADLINE_MS),
          // What they would send is not the subject here: nothing of the test database's leaves it.
          EVALUATION_RELAY: 'off',
          COMMENDATION_RELAY: 'off',
          PUBLICITY_RELAY: 'off',
          VANGUARD_CHECKPOINT_INTERVAL_SEC: '3600',
        }),
      ),
    );
    await Promise.all(services.map((s) => whenReady(s)));
  }, 300_000);

  afterAll(async () => {
    await stopServices(services);
    await groups.remove();
  });

  it('each starts with no error in its log and joins only the groups it is known to join', async () => {
    // Once each listed group has a member, a group nobody listed would have shown up too.
    await waitUntil('every consumer to join', async () => (await groups.notJoined()).length === 0, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    expect(await groups.unlisted()).toEqual([]);
    const errors = services.flatMap((s) =>
      s
        .output()
        .split('\n')
        .filter((line) => /"level":(5|6)0\b/.test(line))
        .map((line) => `${s.name}: ${line.slice(0, 300)}`),
    );
    expect(errors).toEqual([]);
  }, 150_000);

  it('each documents Idempotency-Key exactly when it keeps the keys', async () => {
    const documented = Object.fromEntries(
      await Promise.all(
        services.map(async (s) => {
          const doc = await (await fetch(`http://127.0.0.1:${s.port}/docs/openapi.json`)).text();
          return [s.name, doc.includes('"Idempotency-Key"')] as const;
        }),
      ),
    );
    expect(documented).toEqual(SERVICES);
  });

  it('on SIGTERM with a request still arriving, each exits 0 within its deadline', async () => {
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
    } finally {
      for (const s of sockets) s.destroy();
    }
  }, 60_000);
});

// The Docker path for the test suites (VANGUARD_INFRA=containers, docs/adr/0107-the-docker-path.md):
// testcontainers starts Postgres, Kafka and Keycloak on a Docker engine instead of the local
// processes of scripts/infra.mjs, configured as docker-compose.yml configures them: Postgres 17
// (the compose file's image), apache/kafka 4.1.1 (KRaft, the platform's PLAINTEXT listener and the
// counties' SASL/SCRAM-SHA-512 one, StandardAuthorizer, User:ANONYMOUS the only super user) and
// Keycloak 26.5.6 with the demo and test realms and the brute-force flag scripts/infra.mjs passes.
// Each gets Docker's random host ports; the suites find them through the variables the local path
// honours (DATABASE_URL, KAFKA_BROKERS, KAFKA_SASL_BROKERS, KEYCLOAK_URL), and the global setup's
// `infra.mjs up` then only checks them, creates the test database and grants the counties' ACLs.
// Not run on this project's CI machine, which has no Docker engine. The broker-outage suite
// (platform.kafka-outage.e2e) stops the broker with `infra.mjs down kafka`, which cannot stop a
// container: it needs the local path, and scripts/test.mjs leaves it out in this mode.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StartedTestContainer } from 'testcontainers';

/** The images, pinned; docker-compose.yml names the same ones. */
export const POSTGRES_IMAGE = 'postgres:17.6-alpine';
export const KAFKA_IMAGE = 'apache/kafka:4.1.1';
export const KEYCLOAK_IMAGE = 'quay.io/keycloak/keycloak:26.5.6';

export interface StartedInfra {
  readonly env: { DATABASE_URL: string; KAFKA_BROKERS: string; KAFKA_SASL_BROKERS: string; KEYCLOAK_URL: string };
  stop(): Promise<void>;
}

interface RealmFile {
  realm: string;
  displayName?: string;
  clients: unknown[];
  users: { id?: string; realmRoles?: string[] }[];
}

/** The test realm, built as scripts/infra.mjs builds it: the demo realm renamed, plus the test-only clients and users. */
function testRealm(root: string): string {
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, 'infra/keycloak', f), 'utf8')) as RealmFile;
  const demo = read('vanguard-realm.json');
  const overlay = read('vanguard-test-realm.overlay.json');
  const roles = (r: string[] = []) => r.map((x) => (x === `default-roles-${demo.realm}` ? `default-roles-${overlay.realm}` : x));
  // Keycloak's user ids are unique across realms: the test realm's copies of the demo users get ids of their own (ADR 0067).
  const users = [...demo.users, ...overlay.users].map(({ id: _id, ...u }) => ({ ...u, realmRoles: roles(u.realmRoles) }));
  return JSON.stringify({
    ...demo,
    realm: overlay.realm,
    displayName: overlay.displayName,
    clients: [...demo.clients, ...overlay.clients],
    users,
  });
}

// Kafka: docker-compose.yml's settings, except the advertised addresses. PLAINTEXT (9092) and
// SASL_PLAINTEXT (9094) are advertised as Docker's host and mapped ports, which are known only
// once the container runs: the container waits for them in a file before it starts the image's
// own entrypoint. INTERNAL is the inter-broker listener and the one the broker's own tools use.
const KAFKA_PLAINTEXT = 9092;
const KAFKA_SASL = 9094;
const KAFKA_INTERNAL = 'localhost:29092';
const JAAS = '/etc/kafka/jaas/kafka_server_jaas.conf';
const ADVERTISED_FILE = '/tmp/vanguard-advertised-listeners';
const WAITING = 'vanguard: waiting for the advertised listeners';
const KAFKA_ENV: Record<string, string> = {
  KAFKA_NODE_ID: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093,SASL_PLAINTEXT://:9094,INTERNAL://:29092',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT',
  KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
  KAFKA_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
  // The image's configure script refuses a SASL_ listener without KAFKA_OPTS (infra/docker/kafka/).
  KAFKA_OPTS: `-Djava.security.auth.login.config=${JAAS}`,
  KAFKA_AUTHORIZER_CLASS_NAME: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  KAFKA_SUPER_USERS: 'User:ANONYMOUS',
  KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'false',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
  KAFKA_LOG_DIRS: '/var/lib/kafka/data',
  KAFKA_NUM_PARTITIONS: '3',
  KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '3',
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  KAFKA_HEAP_OPTS: '-Xmx512m',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, deadlineMs: number, probe: () => Promise<boolean>, context?: () => Promise<string>): Promise<void> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await probe()) return;
    } catch (e) {
      last = e;
    }
    await sleep(500);
  }
  const why = last instanceof Error ? `: ${last.message}` : '';
  throw new Error(`${what} not ready after ${deadlineMs / 1000} s${why}${context ? `\n${await context()}` : ''}`);
}

async function tail(container: StartedTestContainer, lines: number): Promise<string> {
  try {
    const stream = await container.logs({ tail: lines });
    let out = '';
    await new Promise<void>((resolve) => {
      stream.on('data', (c: Buffer | string) => (out += c.toString()));
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
      setTimeout(resolve, 2000);
    });
    return out;
  } catch {
    return '(no container log)';
  }
}

/** The county principals and their passwords, by scripts/county-kafka.mjs's own rule (the one list). */
function countyKafkaUsers(root: string): { name: string; password: string }[] {
  const out = execFileSync(
    process.execPath,
    ['-e', "import('./scripts/county-kafka.mjs').then((m) => process.stdout.write(JSON.stringify(m.countyKafkaUsers())))"],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(out) as { name: string; password: string }[];
}

/**
 * After the container runs: advertises the mapped ports, waits for both listeners, and gives each
 * county its SCRAM credential with the broker's own kafka-configs (the local path's ConfigCommand
 * needs Java on this machine, which a Docker-only one may not have), then waits until each signs in.
 */
async function configureKafka(root: string, kafka: StartedTestContainer): Promise<{ brokers: string; saslBrokers: string }> {
  const { Kafka, logLevel } = await import('kafkajs');
  const host = kafka.getHost();
  const brokers = `${host}:${kafka.getMappedPort(KAFKA_PLAINTEXT)}`;
  const saslBrokers = `${host}:${kafka.getMappedPort(KAFKA_SASL)}`;
  await kafka.copyContentToContainer([
    {
      content: `PLAINTEXT://${brokers},SASL_PLAINTEXT://${saslBrokers},INTERNAL://${KAFKA_INTERNAL}`,
      target: ADVERTISED_FILE,
      mode: 0o644,
    },
  ]);
  const client = (b: string, sasl?: { name: string; password: string }) =>
    new Kafka({
      clientId: 'vanguard-testcontainers',
      brokers: [b],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 2000,
      requestTimeout: 5000,
      ...(sasl ? { sasl: { mechanism: 'scram-sha-512' as const, username: sasl.name, password: sasl.password } } : {}),
    }).admin();
  const answers = async (admin: ReturnType<typeof client>, describe: boolean) => {
    await admin.connect();
    try {
      if (describe) await admin.describeCluster();
      return true;
    } finally {
      await admin.disconnect();
    }
  };
  await until(
    `Kafka at ${brokers}`,
    240_000,
    () => answers(client(brokers), true),
    () => tail(kafka, 30),
  );
  const users = countyKafkaUsers(root);
  for (const u of users) {
    const r = await kafka.exec([
      '/opt/kafka/bin/kafka-configs.sh',
      '--bootstrap-server',
      KAFKA_INTERNAL,
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      u.name,
      '--add-config',
      `SCRAM-SHA-512=[password=${u.password}]`,
    ]);
    if (r.exitCode !== 0) throw new Error(`Could not add the SCRAM credential of ${u.name} (exit ${r.exitCode}):\n${r.output}`);
  }
  // Credentials reach the SASL listener through the metadata log: `infra.mjs up` would otherwise
  // find one refused and reach for the local ConfigCommand.
  for (const u of users)
    await until(`the SCRAM credential of ${u.name} at ${saslBrokers}`, 60_000, () => answers(client(saslBrokers, u), false));
  return { brokers, saslBrokers };
}

export async function startContainers(root: string): Promise<StartedInfra> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');

  // Each part joins `started` as soon as it runs, so a failure anywhere below stops what did start
  // rather than leaving it to the reaper (or, with the reaper off, running).
  const started: StartedTestContainer[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.splice(0).map((c) => c.stop()));
  };
  const track = async <T extends StartedTestContainer>(start: Promise<T>): Promise<T> => {
    const c = await start;
    started.push(c);
    return c;
  };

  try {
    const settled = await Promise.allSettled([
      track(new PostgreSqlContainer(POSTGRES_IMAGE).withDatabase('vanguard').withUsername('postgres').withPassword('postgres').start()),
      track(
        new GenericContainer(KAFKA_IMAGE)
          .withEnvironment(KAFKA_ENV)
          .withCopyFilesToContainer([{ source: path.join(root, 'infra/docker/kafka/kafka_server_jaas.conf'), target: JAAS, mode: 0o644 }])
          .withExposedPorts(KAFKA_PLAINTEXT, KAFKA_SASL)
          .withEntrypoint(['sh'])
          .withCommand([
            '-c',
            `echo '${WAITING}'; while [ ! -f ${ADVERTISED_FILE} ]; do sleep 0.1; done; ` +
              `KAFKA_ADVERTISED_LISTENERS="$(cat ${ADVERTISED_FILE})"; export KAFKA_ADVERTISED_LISTENERS; exec /etc/kafka/docker/run`,
          ])
          .withWaitStrategy(Wait.forLogMessage(WAITING))
          .start(),
      ).then(async (kafka) => ({ kafka, ...(await configureKafka(root, kafka)) })),
      track(
        new GenericContainer(KEYCLOAK_IMAGE)
          .withCommand([
            'start-dev',
            '--import-realm',
            '--health-enabled=true',
            // As scripts/infra.mjs and docker-compose.yml (docs/operations.md, "Brute-force protection").
            '--spi-brute-force-protector-default-brute-force-detector-allow-concurrent-requests=true',
          ])
          .withEnvironment({
            KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
            KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
            JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx512m',
          })
          .withCopyFilesToContainer([
            { source: path.join(root, 'infra/keycloak/vanguard-realm.json'), target: '/opt/keycloak/data/import/vanguard-realm.json' },
          ])
          .withCopyContentToContainer([{ content: testRealm(root), target: '/opt/keycloak/data/import/vanguard-test-realm.json' }])
          .withExposedPorts(8080, 9000)
          .withWaitStrategy(Wait.forHttp('/health/ready', 9000).forStatusCode(200))
          .withStartupTimeout(240_000)
          .start(),
      ),
    ] as const);
    const [pg, kafka, keycloak] = settled;
    if (pg.status === 'rejected') throw pg.reason;
    if (kafka.status === 'rejected') throw kafka.reason;
    if (keycloak.status === 'rejected') throw keycloak.reason;

    const env = {
      DATABASE_URL: `postgres://postgres:postgres@${pg.value.getHost()}:${pg.value.getPort()}/vanguard`,
      KAFKA_BROKERS: kafka.value.brokers,
      KAFKA_SASL_BROKERS: kafka.value.saslBrokers,
      KEYCLOAK_URL: `http://${keycloak.value.getHost()}:${keycloak.value.getMappedPort(8080)}`,
    };
    return { env, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

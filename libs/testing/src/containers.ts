// The Docker path (VANGUARD_INFRA=containers): the same three real parts as the native
// path, started by testcontainers, for machines that have a Docker engine. The suites
// find them through the same variables the native path honours.
import fs from 'node:fs';
import path from 'node:path';

export interface StartedInfra {
  readonly env: { DATABASE_URL: string; KAFKA_BROKERS: string; KEYCLOAK_URL: string };
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

export async function startContainers(root: string): Promise<StartedInfra> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');

  const [pg, kafka, keycloak] = await Promise.all([
    new PostgreSqlContainer('postgres:17-alpine').withDatabase('vanguard').withUsername('postgres').withPassword('postgres').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new GenericContainer('quay.io/keycloak/keycloak:26.5.6')
      .withCommand(['start-dev', '--import-realm', '--health-enabled=true'])
      .withEnvironment({ KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin' })
      .withCopyFilesToContainer([
        { source: path.join(root, 'infra/keycloak/vanguard-realm.json'), target: '/opt/keycloak/data/import/vanguard-realm.json' },
      ])
      .withCopyContentToContainer([{ content: testRealm(root), target: '/opt/keycloak/data/import/vanguard-test-realm.json' }])
      .withExposedPorts(8080, 9000)
      .withWaitStrategy(Wait.forHttp('/health/ready', 9000).forStatusCode(200))
      .withStartupTimeout(240_000)
      .start(),
  ]);
  const env = {
    DATABASE_URL: `postgres://postgres:postgres@${pg.getHost()}:${pg.getPort()}/vanguard`,
    KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    KEYCLOAK_URL: `http://${keycloak.getHost()}:${keycloak.getMappedPort(8080)}`,
  };
  return {
    env,
    async stop() {
      await Promise.all([pg.stop(), kafka.stop(), keycloak.stop()]);
    },
  };
}

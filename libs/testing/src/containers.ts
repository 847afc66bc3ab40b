// The Docker path (VANGUARD_INFRA=containers): the same three real parts as the native
// path, started by testcontainers, for machines that have a Docker engine. The suites
// find them through the same variables the native path honours.
import path from 'node:path';

export interface StartedInfra {
  readonly env: { DATABASE_URL: string; KAFKA_BROKERS: string; KEYCLOAK_URL: string };
  stop(): Promise<void>;
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

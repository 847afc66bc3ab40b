import path from 'node:path';
import { COUNTY_INBOUND_TOPIC } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { countyKafkaConnection, type CountyKafkaConnection, type CountyKafkaOverrides } from './county-kafka';

/** Where a county system finds the platform and its own credentials; flags win over the environment. */
export interface CountyClientConfig {
  /** The county's Keycloak confidential client, e.g. county-songling. */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** Brokers, SASL identity and TLS every Kafka client of the county uses (COUNTY_KAFKA_*, `--kafka-*`). */
  readonly kafka: CountyKafkaConnection;
  /** `vanguard.county.inbound.v1` unless COUNTY_INBOUND_TOPIC names another (a test's own). */
  readonly inboundTopic: string;
  /** The county's local state: sequences per subject, sent messages, followed organisations. */
  readonly stateDir: string;
}

export const DEFAULT_COUNTY_CLIENT = 'county-songling';

/**
 * The county's state directory: `--state-dir`, else `<COUNTY_STATE_DIR or .vanguard/county>/<clientId>`.
 * The one place it is derived: the CLI's commands and the witness (both its entry points) find
 * their files under it.
 */
export function countyStateDir(clientId: string, env: NodeJS.ProcessEnv = process.env, override?: string): string {
  if (override !== undefined) return path.resolve(override);
  return path.resolve(env['COUNTY_STATE_DIR'] ?? path.join(process.cwd(), '.vanguard', 'county'), clientId);
}

export function countyClientConfig(
  overrides: { clientId?: string; clientSecret?: string; stateDir?: string; kafka?: CountyKafkaOverrides } = {},
  env: NodeJS.ProcessEnv = process.env,
): CountyClientConfig {
  const infra = infraConfig(env);
  const clientId = overrides.clientId ?? env['COUNTY_CLIENT_ID'] ?? DEFAULT_COUNTY_CLIENT;
  // The demo realm's secrets are `<client>-demo-secret`; a real county sets COUNTY_CLIENT_SECRET.
  const clientSecret = overrides.clientSecret ?? env['COUNTY_CLIENT_SECRET'] ?? `${clientId}-demo-secret`;
  const kafka = countyKafkaConnection(clientId, overrides.kafka ?? {}, env, infra);
  return {
    clientId,
    clientSecret,
    tokenUrl: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/token`,
    kafkaBrokers: kafka.brokers,
    kafka,
    inboundTopic: env['COUNTY_INBOUND_TOPIC'] ?? COUNTY_INBOUND_TOPIC,
    stateDir: countyStateDir(clientId, env, overrides.stateDir),
  };
}

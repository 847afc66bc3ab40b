import fs from 'node:fs';
import { logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { InfraConfig } from '@vanguard/infra-config';

export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How the county reaches the broker. With `sasl` it connects as its own principal
 * (`User:<username>`), which the broker's ACLs confine to its own topics and groups
 * (docs/county-integration.md); without, it is whoever the listener says (the local
 * PLAINTEXT listener: the platform's own, unrestricted).
 */
export interface CountyKafkaConnection {
  readonly brokers: readonly string[];
  readonly sasl?: { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string };
  /** TLS to the broker; `caFile` is the PEM of the CA that signed its certificate (else the system's CAs). */
  readonly ssl?: { readonly caFile?: string };
}

/** The CLI's `--kafka-*` flags; each wins over its COUNTY_KAFKA_* variable. */
export interface CountyKafkaOverrides {
  readonly brokers?: string;
  readonly saslMechanism?: string;
  readonly username?: string;
  /** A file holding the password: a password on the command line would show in `ps`. */
  readonly passwordFile?: string;
  readonly ssl?: boolean;
  readonly caFile?: string;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const isTrue = (value: string | undefined): boolean => value !== undefined && ['1', 'true', 'yes'].includes(value.toLowerCase());

function mechanismOf(value: string | undefined): KafkaSaslMechanism | undefined {
  if (value === undefined || value === '') return undefined;
  const mechanism = value.toLowerCase();
  if (!(KAFKA_SASL_MECHANISMS as readonly string[]).includes(mechanism))
    throw new Error(`未知的 SASL 机制 ${value}（可用: ${KAFKA_SASL_MECHANISMS.join(', ')}）`);
  return mechanism as KafkaSaslMechanism;
}

/**
 * Flags, then COUNTY_KAFKA_* variables. A county that names a SASL mechanism connects to the
 * SASL listener (`KAFKA_SASL_BROKERS`, locally 127.0.0.1:9094) unless it names brokers; its
 * user name defaults to its client id, its password to the development `<client>-demo-secret`
 * (the rule of the demo realm's client secrets, which scripts/infra.mjs gives the broker too).
 */
export function countyKafkaConnection(
  clientId: string,
  overrides: CountyKafkaOverrides,
  env: NodeJS.ProcessEnv,
  infra: Pick<InfraConfig, 'kafkaBrokers' | 'kafkaSaslBrokers'>,
): CountyKafkaConnection {
  const mechanism = mechanismOf(overrides.saslMechanism ?? env['COUNTY_KAFKA_SASL_MECHANISM']);
  const caFile = overrides.caFile ?? (env['COUNTY_KAFKA_CA_FILE'] || undefined);
  const ssl = overrides.ssl === true || isTrue(env['COUNTY_KAFKA_SSL']) || caFile !== undefined;
  const named = overrides.brokers ?? env['COUNTY_KAFKA_BROKERS'];
  const brokers = named ? list(named) : [...(mechanism ? infra.kafkaSaslBrokers : infra.kafkaBrokers)];
  const password = overrides.passwordFile
    ? fs.readFileSync(overrides.passwordFile, 'utf8').trim()
    : (env['COUNTY_KAFKA_PASSWORD'] ?? `${clientId}-demo-secret`);
  return {
    brokers,
    ...(mechanism ? { sasl: { mechanism, username: overrides.username ?? env['COUNTY_KAFKA_USERNAME'] ?? clientId, password } } : {}),
    ...(ssl ? { ssl: caFile ? { caFile } : {} } : {}),
  };
}

/** The kafkajs settings every Kafka client of the county is made from (producer, consumers, admins). */
export function countyKafkaConfig(clientId: string, connection: CountyKafkaConnection): KafkaConfig {
  const { sasl, ssl } = connection;
  return {
    clientId,
    brokers: [...connection.brokers],
    logLevel: logLevel.NOTHING,
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
    ...(ssl ? { ssl: ssl.caFile ? { ca: [fs.readFileSync(ssl.caFile, 'utf8')] } : true } : {}),
  };
}

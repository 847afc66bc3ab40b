import { SERVICES, portFromEnv, positiveIntFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig } from '@vanguard/infra-config';
import { EVALUATION_EVENTS_TOPIC } from './infrastructure/eligibility/eligibility-topics';

export interface PublicLimits {
  /** Public-notice reads one address may make per minute. */
  readonly readsPerAddressPerMinute: number;
  /** Objections one address may file per hour (a village office shares one address). */
  readonly objectionsPerAddressPerHour: number;
  /** Objections one notice takes per minute from everyone together. */
  readonly objectionsPerNoticePerMinute: number;
}

export interface CommendationConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  /** Follow the organization topic into the local org-tree copy (default true). */
  readonly orgTreeConsumer?: boolean;
  readonly orgTreeGroupId?: string;
  /** The relay from the store to Kafka; on unless `COMMENDATION_RELAY=off`. */
  readonly relay?: { readonly enabled: boolean; readonly name?: string };
  /**
   * The eligibility facts projection: evaluation's public events followed from Kafka. `groupId`
   * is also the inbox key; tests give each run its own topic and group.
   */
  readonly eligibility?: { readonly enabled: boolean; readonly groupId: string; readonly topic: string };
  readonly publicLimits: PublicLimits;
  /** How long a filing or a decision waits for the programme's lock before 409 OBJECTIONS.BUSY (ADR 0113). */
  readonly objectionWaitMs?: number;
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

const positive = (name: string, fallback: number): number => positiveIntFromEnv(process.env, name, fallback);

/** `database` picks the platform's database or the test one; everything else comes from the environment. */
export function commendationConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): CommendationConfig {
  return {
    port: portFromEnv(process.env, SERVICES.commendation),
    databaseUrl: serviceDatabaseUrl('commendation', database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl),
    schema: 'commendation',
    kafkaBrokers: infra.kafkaBrokers,
    orgTreeConsumer: process.env['COMMENDATION_ORG_TREE'] !== 'off',
    orgTreeGroupId: 'commendation.org-tree',
    relay: { enabled: process.env['COMMENDATION_RELAY'] !== 'off' },
    eligibility: {
      enabled: process.env['COMMENDATION_ELIGIBILITY'] !== 'off',
      groupId: 'commendation.eligibility-facts',
      topic: EVALUATION_EVENTS_TOPIC,
    },
    publicLimits: {
      readsPerAddressPerMinute: positive('COMMENDATION_NOTICE_READS_PER_ADDRESS_PER_MINUTE', 600),
      objectionsPerAddressPerHour: positive('COMMENDATION_OBJECTIONS_PER_ADDRESS_PER_HOUR', 10),
      objectionsPerNoticePerMinute: positive('COMMENDATION_OBJECTIONS_PER_NOTICE_PER_MINUTE', 120),
    },
    objectionWaitMs: positive('COMMENDATION_OBJECTION_WAIT_MS', 10_000),
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

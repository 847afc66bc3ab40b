import { SERVICES, portFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig, countyClients } from '@vanguard/infra-config';

export interface EvaluationConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  /** Follow the organization topic into the local org-tree copy (default true). */
  readonly orgTreeConsumer?: boolean;
  /** Kafka consumer group of the org-tree copy; one per service (and per test run). */
  readonly orgTreeGroupId?: string;
  /** Subscription name of the pledge projection: one instance per name delivers. */
  readonly projectionName?: string;
  /**
   * The relay from the store to Kafka (relay.feature.ts); on unless `EVALUATION_RELAY=off`. `topic`:
   * every event to that one topic instead of its contract's — a bench's own, set only in code.
   */
  readonly relay?: { readonly enabled: boolean; readonly name?: string; readonly topic?: string };
  /**
   * County inbound (issue 17): the gate's consumer of `vanguard.county.inbound.v1` and the
   * projection of organization.CountyMemberLinked; on unless `EVALUATION_COUNTY=off`.
   */
  readonly county?: {
    readonly enabled: boolean;
    /** Keycloak client ids of the county systems (VANGUARD_COUNTY_CLIENTS, comma-separated). */
    readonly knownCounties?: readonly string[];
    readonly groupId?: string;
    readonly linksGroupId?: string;
    readonly topic?: string;
    /** The topic CountyMemberLinked is read from; default the organization events topic. */
    readonly linksTopic?: string;
    /** How long after a message arrived its member's link may still come (LINK_GRACE_MS unless a test shortens it). */
    readonly linkGraceMs?: number;
  };
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

/** `database` picks the platform's database or the test one; everything else comes from the environment. */
export function evaluationConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): EvaluationConfig {
  return {
    port: portFromEnv(process.env, SERVICES.evaluation),
    databaseUrl: serviceDatabaseUrl('evaluation', database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl),
    schema: 'evaluation',
    kafkaBrokers: infra.kafkaBrokers,
    orgTreeConsumer: process.env['EVALUATION_ORG_TREE'] !== 'off',
    orgTreeGroupId: 'evaluation.org-tree',
    projectionName: 'evaluation.pledge-view',
    relay: { enabled: process.env['EVALUATION_RELAY'] !== 'off' },
    // Test apps opt in (their suites give the gate a topic and groups of their own).
    county: { enabled: database === 'platform' && process.env['EVALUATION_COUNTY'] !== 'off', knownCounties: countyClients() },
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

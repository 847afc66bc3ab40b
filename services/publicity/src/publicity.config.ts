import { SERVICES, portFromEnv, positiveIntFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig } from '@vanguard/infra-config';

export interface PublicityConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  /** Run the outbox relay in this process (default true). */
  readonly relay?: boolean;
  /** Consume commendation and evaluation decisions into exemplar proposals (default true). */
  readonly decisions?: boolean;
  readonly decisionsGroupId?: string;
  /** Follow the organization topic into the org-tree copy (default true). */
  readonly orgTree?: boolean;
  readonly orgTreeGroupId?: string;
  /** Honour-roll reads per client address per minute (unauthenticated, so bounded). */
  readonly honourRollReadsPerMinute: number;
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

export function publicityConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): PublicityConfig {
  return {
    port: portFromEnv(process.env, SERVICES.publicity),
    databaseUrl: serviceDatabaseUrl('publicity', database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl),
    schema: 'publicity',
    kafkaBrokers: infra.kafkaBrokers,
    relay: process.env['PUBLICITY_RELAY'] !== 'off',
    decisions: process.env['PUBLICITY_DECISIONS'] !== 'off',
    decisionsGroupId: 'publicity.decisions',
    orgTree: process.env['PUBLICITY_ORG_TREE'] !== 'off',
    orgTreeGroupId: 'publicity.org-tree',
    // Generous for people, a wall for a scraper: a load test runs from one address and sets it higher.
    honourRollReadsPerMinute: positiveIntFromEnv(process.env, 'PUBLICITY_HONOUR_ROLL_RPM', 600),
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

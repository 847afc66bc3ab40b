import {
  SERVICES,
  portFromEnv,
  infraConfig,
  serviceDatabaseUrl,
  type InfraConfig,
  countyClients,
  countyOrgs,
} from '@vanguard/infra-config';

export interface OrganizationConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  /** Run the outbox relay in this process (default true; one relay per outbox). */
  readonly relay?: boolean;
  /** The county inbound gate (issue 17): on unless ORGANIZATION_COUNTY_INBOUND=off. */
  readonly county?: {
    readonly enabled: boolean;
    /** Keycloak client ids of the county systems (VANGUARD_COUNTY_CLIENTS, comma-separated). */
    readonly knownCounties: readonly string[];
    /** Each county's organisation (VANGUARD_COUNTY_ORGS): where the decision feed sends what (ADR 0062). */
    readonly countyOrgs?: Readonly<Record<string, string>>;
    /** Tests and benches: their own inbound topic and consumer group. */
    readonly topic?: string;
    readonly groupId?: string;
    readonly batchSize?: number;
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
export function organizationConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): OrganizationConfig {
  const issuer = infra.keycloakIssuer;
  return {
    port: portFromEnv(process.env, SERVICES.organization),
    databaseUrl: serviceDatabaseUrl('organization', database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl),
    schema: 'organization',
    kafkaBrokers: infra.kafkaBrokers,
    relay: process.env['ORGANIZATION_RELAY'] !== 'off',
    county: { enabled: process.env['ORGANIZATION_COUNTY_INBOUND'] !== 'off', knownCounties: countyClients(), countyOrgs: countyOrgs() },
    keycloak: {
      issuer,
      audience: infra.keycloakAudience,
      // Fetch keys from where Keycloak is reachable, which may differ from the issuer it prints.
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

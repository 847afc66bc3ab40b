import type { ProjectImportLimits } from './import-limits.config';
import { SERVICES, portFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig, countyClients } from '@vanguard/infra-config';

export interface AssistanceConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  /** Run the outbox relay in this process (default true; one relay leads per outbox). */
  readonly relay?: boolean;
  /** Every event to this one topic instead of its contract's: a bench's own, never the platform's (default unset). */
  readonly relayTopic?: string;
  /** Follow the organization state topics into the roster copy (default true; test apps turn it off). */
  readonly roster?: boolean;
  /**
   * County inbound (issue 17): the gate's consumer of deeds and visits and the projection of
   * organization.CountyMemberLinked; on for the platform unless `ASSISTANCE_COUNTY=off`, off for test apps unless asked.
   */
  readonly county?: {
    readonly enabled: boolean;
    /** Keycloak client ids of the county systems (VANGUARD_COUNTY_CLIENTS, comma-separated). */
    readonly knownCounties?: readonly string[];
    readonly groupId?: string;
    readonly topic?: string;
    readonly linksGroupId?: string;
    readonly linksTopic?: string;
    /** How long after a message arrived its member's link may still come (LINK_GRACE_MS unless a test shortens it). */
    readonly linkGraceMs?: number;
  };
  /** How long a command waits for a pool connection before 503 `SERVICE.BUSY` (10 s unless a test shortens it). */
  readonly databaseConnectWaitMs?: number;
  /** Project-list import bounds; the environment's (`projectImportLimits()`) unless a test passes small ones. */
  readonly projectImport?: ProjectImportLimits;
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

/** `database` picks the platform's database or the test one; everything else comes from the environment. */
export function assistanceConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): AssistanceConfig {
  return {
    port: portFromEnv(process.env, SERVICES.assistance),
    databaseUrl: serviceDatabaseUrl('assistance', database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl),
    schema: 'assistance',
    kafkaBrokers: infra.kafkaBrokers,
    relay: process.env['ASSISTANCE_RELAY'] !== 'off',
    roster: process.env['ASSISTANCE_ROSTER'] !== 'off',
    county: { enabled: database === 'platform' && process.env['ASSISTANCE_COUNTY'] !== 'off', knownCounties: countyClients() },
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      // Fetch keys from where Keycloak is reachable, which may differ from the issuer it prints.
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

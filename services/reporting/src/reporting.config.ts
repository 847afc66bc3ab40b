import { SERVICES, portFromEnv, positiveIntFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig } from '@vanguard/infra-config';

export interface ReportingConfig {
  readonly port: number;
  readonly databaseUrl: string;
  /** Worker threads rendering PDFs (ADR 0086): each holds about 80 MB. */
  /** Threads that render downloads (PDF, .docx, .xlsx); `REPORTING_PDF_THREADS` is its older name. */
  readonly renderThreads: number;
  readonly kafka: {
    readonly enabled: boolean;
    readonly brokers: readonly string[];
    readonly groupId: string;
    /** Tests only: read `<prefix>.<topic>` instead of the platform's topics. */
    readonly topicPrefix?: string;
  };
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

export function reportingConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): ReportingConfig {
  const base = database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl;
  return {
    port: portFromEnv(process.env, SERVICES.reporting),
    databaseUrl: serviceDatabaseUrl('reporting', base),
    renderThreads: positiveIntFromEnv(process.env, 'REPORTING_RENDER_THREADS', positiveIntFromEnv(process.env, 'REPORTING_PDF_THREADS', 1)),
    kafka: {
      enabled: process.env['REPORTING_KAFKA'] !== 'off',
      brokers: infra.kafkaBrokers,
      // A new group id reads every topic again from the beginning: that is a rebuild.
      groupId: process.env['REPORTING_GROUP'] ?? 'reporting.projections',
    },
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

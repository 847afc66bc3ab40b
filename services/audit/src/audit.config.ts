import { SERVICES, portFromEnv, countFromEnv, infraConfig, serviceDatabaseUrl, type InfraConfig } from '@vanguard/infra-config';
import { witnessPolicyFromEnv, type WitnessPolicy } from '@vanguard/transparency-log';
import { AUDIT_CHECKPOINT_TOPIC } from '@vanguard/contracts';
import { MAX_PROVED_EVENTS } from './application/store-log';
import { auditReaderUrl, type AuditedContext } from './infrastructure/audit-database';

export interface AuditConfig {
  readonly port: number;
  /** The audit service's own role (`vg_audit`): appends to and reads the auditors' trail. */
  readonly trailDatabaseUrl: string;
  readonly trailSchema: string;
  /** The read-only role (`vg_audit_reader`) every replay and verification connects as. */
  readonly readerDatabaseUrl: string;
  /** The audited stores' schemas (tests point them elsewhere). */
  readonly schemas: Readonly<Record<AuditedContext, string>>;
  /**
   * Where evaluation's copy of the organisation tree lives (`<schema>.org_tree`): what every
   * caller's reach is judged by (ADR 0056, 0094). Tests point it at a tree of their own.
   */
  readonly orgTreeSchema: string;
  /** Verifications and exports at once: per auditor and in all (kept below the reader pool's size). */
  readonly longWork: { readonly perUser: number; readonly total: number };
  /** County witnesses whose cosignatures count, and how many make a checkpoint witnessed (ADR 0041). */
  readonly witnessPolicy: WitnessPolicy;
  /** How often a checkpoint is published for the witnesses; 0: only on demand. */
  readonly checkpointIntervalMs: number;
  /** A checkpoint as soon as the log has grown by this many events since the latest published one; 0: off. */
  readonly checkpointEveryEvents: number;
  /** Brokers the checkpoint events go to (`vanguard.audit.checkpoints.v1`, ADR 0063). */
  readonly kafkaBrokers: readonly string[];
  /** Run the relay of the checkpoint events; off in tests unless a suite reads the topic. */
  readonly checkpointRelay: boolean;
  /**
   * Where the checkpoint events go: `vanguard.audit.checkpoints.v1`. Only a test sets another (a
   * topic of its own); no environment variable does, so a deployment cannot move the history.
   */
  readonly checkpointTopic: string;
  /**
   * Entries per page of `GET /audit-trail/proof` over all of an auditor's entries: the cap of one
   * proof answer. Only a test sets fewer (to span pages with a few entries); no environment
   * variable does.
   */
  readonly trailProofPage: number;
  readonly keycloak: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUri: string;
    readonly clockToleranceSec?: number;
    readonly allowedClients: readonly string[];
  };
}

export function auditConfig(infra: InfraConfig = infraConfig(), database: 'platform' | 'test' = 'platform'): AuditConfig {
  const base = database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl;
  return {
    port: portFromEnv(process.env, SERVICES.audit),
    trailDatabaseUrl: serviceDatabaseUrl('audit', base),
    trailSchema: 'audit',
    readerDatabaseUrl: auditReaderUrl(base),
    schemas: { evaluation: 'evaluation', commendation: 'commendation' },
    orgTreeSchema: 'evaluation',
    longWork: { perUser: 2, total: 6 },
    witnessPolicy: witnessPolicyFromEnv(),
    // Tests publish on demand: a schedule would catch up the whole shared test store in every suite's app.
    checkpointIntervalMs: database === 'test' ? 0 : countFromEnv(process.env, 'VANGUARD_CHECKPOINT_INTERVAL_SEC', 60) * 1000,
    checkpointEveryEvents: database === 'test' ? 0 : countFromEnv(process.env, 'VANGUARD_CHECKPOINT_EVERY_EVENTS', 10_000),
    kafkaBrokers: infra.kafkaBrokers,
    // A suite's app publishing onto the shared test topic would be every suite's noise: the one that reads it turns it on.
    // `AUDIT_CHECKPOINT_RELAY=off`, as the other services' `<SERVICE>_RELAY=off`: an audit started from main.ts
    // against the test database (service-mains.e2e) must not put test checkpoints on the platform's topic.
    checkpointRelay: database !== 'test' && process.env['AUDIT_CHECKPOINT_RELAY'] !== 'off',
    checkpointTopic: AUDIT_CHECKPOINT_TOPIC,
    trailProofPage: MAX_PROVED_EVENTS,
    keycloak: {
      issuer: infra.keycloakIssuer,
      audience: infra.keycloakAudience,
      jwksUri: `${infra.keycloakUrl}/realms/${infra.keycloakRealm}/protocol/openid-connect/certs`,
      allowedClients: infra.apiClients,
    },
  };
}

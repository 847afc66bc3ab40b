import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { AuthModule } from '@vanguard/auth';
import { PgListener, storeChannel } from '@vanguard/event-store';
import { LongWork } from '@vanguard/http';
import { HealthModule, LoggingModule, MetricsModule, httpProbe, postgresProbe } from '@vanguard/observability';
import { evaluationUpcasters } from './infrastructure/evaluation-upcasters';
import { AuditReader } from './application/audit-reader';
import { AuditTrail } from './application/audit-trail';
import { CallerReach } from './application/caller-reach';
import type { AuditConfig } from './audit.config';
import { AuditPoolsModule, READER_POOL, TRAIL_POOL } from './infrastructure/audit-pools';
import { VERIFICATION_CONNECTIONS, verificationConnections } from './infrastructure/verification-connections';
import { AuditHttpController, VERIFY_LIMITER } from './interface/http/audit.http.controller';
import { TrailHttpController } from './interface/http/trail.http.controller';
import { ProofsHttpController } from './interface/http/proofs.http.controller';
import { ProofLogs } from './application/proof-logs';
import { PublishedHeads, SigningRefusals } from './application/published-heads';
import { WitnessCosignatures } from './application/witness-cosignatures';
import { CheckpointSchedule } from './application/checkpoint-schedule';
import { WitnessHttpController } from './interface/http/witness.http.controller';
import { CheckpointRelayRunner } from './infrastructure/checkpoint-relay.runner';
import { ProgrammesHttpController } from './interface/http/programmes.http.controller';
import { EvidenceHttpController } from './interface/http/evidence.http.controller';
import { OrganizationsHttpController } from './interface/http/organizations.http.controller';
import { AuditOrgScope } from './infrastructure/audit-org-scope';

/** Composition root of the audit service: a read-only reader over the audited stores, and the auditors' trail. */
@Module({})
export class AuditModule {
  static register(config: AuditConfig): DynamicModule {
    const longWork = new LongWork();
    const signingRefusals = new SigningRefusals();
    return {
      module: AuditModule,
      imports: [
        LoggingModule,
        MetricsModule,
        AuditPoolsModule.forRoot(config.readerDatabaseUrl, config.trailDatabaseUrl),
        AuthModule.forRoot(config.keycloak),
        HealthModule.register({
          inject: [READER_POOL],
          useFactory: (pool: Pool) => [postgresProbe(() => pool.query('select 1')), httpProbe('keycloak', config.keycloak.jwksUri)],
        }),
      ],
      controllers: [
        AuditHttpController,
        TrailHttpController,
        ProofsHttpController,
        ProgrammesHttpController,
        EvidenceHttpController,
        WitnessHttpController,
        OrganizationsHttpController,
      ],
      providers: [
        { provide: LongWork, useValue: longWork },
        {
          provide: VERIFY_LIMITER,
          useValue: longWork.limiter({ zh: '核验', en: 'verifications' }, { ...config.longWork, retryAfterSec: 10 }),
        },
        {
          provide: AuditReader,
          inject: [READER_POOL],
          useFactory: (pool: Pool) => new AuditReader(pool, config.schemas, { evaluation: evaluationUpcasters }),
        },
        {
          provide: VERIFICATION_CONNECTIONS,
          inject: [READER_POOL],
          useFactory: (pool: Pool) => verificationConnections(config.readerDatabaseUrl, pool),
        },
        {
          provide: AuditOrgScope,
          inject: [READER_POOL],
          useFactory: (pool: Pool) => new AuditOrgScope(pool, config.orgTreeSchema),
        },
        {
          provide: CallerReach,
          inject: [AuditOrgScope, AuditReader],
          useFactory: (tree: AuditOrgScope, reader: AuditReader) => new CallerReach(tree, reader),
        },
        {
          provide: AuditTrail,
          inject: [TRAIL_POOL],
          useFactory: (pool: Pool) => new AuditTrail(pool, config.trailSchema, config.trailProofPage),
        },
        {
          // Every checkpoint of either store also commits to the auditors' trail (ADR 0077).
          provide: ProofLogs,
          inject: [READER_POOL, AuditTrail, PublishedHeads],
          useFactory: (pool: Pool, trail: AuditTrail, heads: PublishedHeads) =>
            new ProofLogs(pool, config.schemas, process.env, trail.log, heads),
        },
        {
          // What was published bounds what may be signed; a refusal fails readiness until it passes.
          provide: PublishedHeads,
          inject: [TRAIL_POOL],
          useFactory: (pool: Pool) => new PublishedHeads(pool, config.schemas, signingRefusals),
        },
        {
          provide: WitnessCosignatures,
          inject: [TRAIL_POOL, ProofLogs],
          useFactory: (pool: Pool, logs: ProofLogs) => new WitnessCosignatures(pool, logs, config.witnessPolicy, config.schemas),
        },
        {
          // The checkpoint events on Kafka (ADR 0063), from the outbox the publications write to.
          provide: CheckpointRelayRunner,
          inject: [TRAIL_POOL, WitnessCosignatures],
          useFactory: (pool: Pool, w: WitnessCosignatures) =>
            new CheckpointRelayRunner(pool, w, {
              enabled: config.checkpointRelay,
              brokers: config.kafkaBrokers,
              topic: config.checkpointTopic,
            }),
        },
        {
          provide: CheckpointSchedule,
          inject: [WitnessCosignatures, ProofLogs, READER_POOL],
          useFactory: (w: WitnessCosignatures, logs: ProofLogs, pool: Pool) =>
            new CheckpointSchedule(
              w,
              { intervalMs: config.checkpointIntervalMs, everyEvents: config.checkpointEveryEvents },
              logs,
              // Woken by the store's own append notification (ADR 0008); the poll covers a lost one.
              (context, wake) =>
                new PgListener(pool, { channel: storeChannel(config.schemas[context]), onNotification: wake, onListening: wake }),
            ),
        },
      ],
    };
  }
}

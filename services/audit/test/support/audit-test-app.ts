import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { auditConfig, type AuditConfig } from '../../src/audit.config';
import { AuditModule } from '../../src/audit.module';

/** The audit service, in-process, against the test database (migrated by the evaluation app it audits). */
export async function createAuditTestApp(overrides: Partial<AuditConfig> = {}): Promise<INestApplication> {
  const config = { ...auditConfig(infraConfig(), 'test'), ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [AuditModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { bootstrapDemoTree, migrateOrgTree } from '@vanguard/auth';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema } from '@vanguard/testing';
import { auditConfig, type AuditConfig } from '../../src/audit.config';
import { AuditModule } from '../../src/audit.module';
import { AUDIT_READER_ROLE, grantOrgTreeRead } from '../../src/infrastructure/audit-database';

/**
 * The audit service, in-process, against the test database (migrated by the evaluation app it audits).
 * Every route judges the caller's reach by a tree copy (ADR 0094): a suite that names none gets the
 * demo tree in a schema of its own (the shared test schema's copy is whatever other suites left
 * there), dropped when the app closes.
 */
export async function createAuditTestApp(overrides: Partial<AuditConfig> = {}): Promise<INestApplication> {
  const tree = overrides.orgTreeSchema === undefined ? await demoTree() : undefined;
  const config = { ...auditConfig(infraConfig(), 'test'), ...(tree ? { orgTreeSchema: tree.schema } : {}), ...overrides };
  const moduleRef = await Test.createTestingModule({ imports: [AuditModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  if (tree) {
    const close = app.close.bind(app);
    app.close = async () => {
      try {
        await close();
      } finally {
        await tree.drop();
      }
    };
  }
  return app;
}

/** The demo tree (province 91 at its root) in a schema of its own, readable by the reader role. */
export async function demoTree() {
  const tree = await createTestSchema('audit_tree');
  await migrateOrgTree(tree.pool);
  await bootstrapDemoTree(tree.pool);
  await tree.pool.query(`grant usage on schema "${tree.schema}" to "${AUDIT_READER_ROLE}"`);
  await grantOrgTreeRead(tree.pool, tree.schema);
  return tree;
}

import { DataSource } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { organizationMigrations } from '../../src/infrastructure/migrations';
import { DEMO_REGION, ensureOrganizations } from '../../src/infrastructure/seed/demo-region';

/**
 * A private schema with the organization migrations and the demo region, for suites that
 * run the relay or bulk jobs and must not share an outbox with other suites.
 */
export async function isolatedOrganizationSchema(prefix: string): Promise<TestSchema> {
  const schema = await createTestSchema(prefix);
  const ds = new DataSource({
    type: 'postgres',
    url: schema.url,
    schema: schema.schema,
    migrations: organizationMigrations,
    migrationsTableName: 'migrations',
  });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  await ensureOrganizations(schema.pool, DEMO_REGION);
  return schema;
}

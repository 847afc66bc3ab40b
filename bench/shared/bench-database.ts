import { Client } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { migrate as migrateAll } from '../../scripts/migrate';

/**
 * A database of the bench's own on the platform's cluster, made afresh and migrated as
 * `npm run migrate` would (every service's role and schema, the audit reader role and the
 * auditors' trail store); `drop()` removes it, whatever connections are still open.
 */
export async function freshBenchDatabase(name: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`a bench database name must be a plain identifier, got ${name}`);
  const infra = infraConfig();
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: infra.postgresAdminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const drop = () => admin(`drop database if exists ${name} with (force)`);
  await drop();
  await admin(`create database ${name}`);
  const u = new URL(infra.databaseUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // scripts/migrate.ts reads DATABASE_URL through infraConfig(): point it here for the run only.
  const platformUrl = process.env['DATABASE_URL'];
  process.env['DATABASE_URL'] = url;
  try {
    await migrateAll('platform');
  } catch (e) {
    await drop();
    throw e;
  } finally {
    if (platformUrl === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = platformUrl;
  }
  return { url, drop };
}

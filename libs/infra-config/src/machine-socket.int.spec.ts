import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { infraConfig } from './index';

const NOTE = join(process.cwd(), '.vanguard', 'postgres-socket');
const MACHINE_SOCKET_DIR = '/var/run/postgresql';

async function ask<T>(
  config: string | { host: string; port: number; user: string; database: string },
  sql: string,
): Promise<T | undefined> {
  const c = new Client(typeof config === 'string' ? { connectionString: config } : config);
  try {
    await c.connect();
    return (await c.query<{ v: T }>(sql)).rows[0]?.v;
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

// ADR 0131: infra.mjs notes the machine's socket where it reaches the server on 127.0.0.1:5432,
// and every process's default URL then goes through it.
describe('the development database over the machine socket', () => {
  it('defaultUrl_ConnectsOverTheSocketExactlyWhenInfraNotedIt', async () => {
    const overSocket = await ask<boolean>(infraConfig().testDatabaseUrl, 'select inet_client_addr() is null as v');
    expect(overSocket).toBe(existsSync(NOTE));
  });

  it('infraUp_NotesTheSocket_WhenItReachesTheSameServerAsTheLoopback', async () => {
    const server = `select pg_postmaster_start_time()::text as v`;
    const viaTcp = await ask<string>({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' }, server);
    const viaSocket = await ask<string>({ host: MACHINE_SOCKET_DIR, port: 5432, user: 'postgres', database: 'postgres' }, server);
    const same = process.env['DATABASE_URL'] === undefined && viaTcp !== undefined && viaTcp === viaSocket;
    // Only this way round: infra.mjs also looks in /run/postgresql and /tmp.
    expect({ same, noted: existsSync(NOTE) }).not.toEqual({ same: true, noted: false });
  });
});

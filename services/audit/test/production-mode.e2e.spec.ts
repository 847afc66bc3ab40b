import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { LOG_SIGNING_KEY_VARIABLE, developmentLogSigner, generateLogKey } from '@vanguard/transparency-log';

const root = path.resolve(__dirname, '../../..');

/** The environment without any setting the production check reads, so each case says exactly what it sets. */
function bareEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(DATABASE_URL|TEST_DATABASE_URL|POSTGRES_PASSWORD|VG_SERVICE_DB_PASSWORD|KEYCLOAK_|KC_|VANGUARD_|AUDIT_|NODE_ENV)/.test(key))
      delete env[key];
  }
  return env;
}

/** Starts the real audit service's main in production mode and returns the sentences it refused with. */
async function refusals(env: NodeJS.ProcessEnv): Promise<{ code: number | null; sentences: string[] }> {
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'services/audit/src/main.ts'], {
    cwd: root,
    env: { ...bareEnv(), VANGUARD_ENV: 'production', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const sentences = out
    .split('\n')
    .filter((l) => l.startsWith('  - '))
    .map((l) => l.slice(4));
  return { code, sentences };
}

// Other services refuse development keys in production; the audit service signs every checkpoint
// and evidence bundle with its log key, and the development one is public in the source.
describe('audit service in production mode', () => {
  it('refuses to start when the log signing key is the development key', async () => {
    const { code, sentences } = await refusals({ [LOG_SIGNING_KEY_VARIABLE]: developmentLogSigner('vanguard.example/log').skey });

    expect(code).toBe(78);
    expect(sentences).toContainEqual(expect.stringMatching(/^VANGUARD_LOG_SIGNING_KEY holds the development key/));
    expect(sentences).toContainEqual(expect.stringMatching(/^VANGUARD_WITNESS_KEYS is not set/));
    // The checkpoint events on Kafka are signed with audit's own event key (ADR 0063, ADR 0059).
    expect(sentences).toContainEqual(expect.stringMatching(/^AUDIT_EVENT_SIGNING_KEY is not set/));
  });

  it('says nothing of the log key once it is the operator’s own', async () => {
    const { code, sentences } = await refusals({ [LOG_SIGNING_KEY_VARIABLE]: generateLogKey('vanguard.example/log').skey });

    expect(code).toBe(78); // the database and witness settings are still the development ones
    expect(sentences.filter((s) => s.startsWith(LOG_SIGNING_KEY_VARIABLE))).toEqual([]);
    expect(sentences.length).toBeGreaterThan(0);
  });
});

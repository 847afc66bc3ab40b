import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { rawPublicKey } from '@vanguard/auth';
import { infraConfig, keycloakProductionProblems } from '@vanguard/infra-config';
import { formatKek, newKek } from '@vanguard/keys';
import { waitUntil } from '@vanguard/testing';

const root = path.resolve(__dirname, '../../..');

/** The environment without any setting the production check reads, so each case says exactly what it sets. */
function bareEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(DATABASE_URL|TEST_DATABASE_URL|POSTGRES_PASSWORD|VG_SERVICE_DB_PASSWORD|KEYCLOAK_|KC_|VANGUARD_|ORGANIZATION_|EVALUATION_|COMMENDATION_|NODE_ENV)/.test(
        key,
      )
    )
      delete env[key];
  }
  return env;
}

/** A public key of the operator's own, in the `kid=<base64>` form the verify-key settings take. */
function operatorPublicKey(): string {
  return rawPublicKey(generateKeyPairSync('ed25519').publicKey);
}

/** Starts the real organization service's main in a child process and collects what it prints. */
function startService(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/organization/src/main.ts'], {
    cwd: root,
    env: { ...env, PORT: '0', ORGANIZATION_RELAY: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('production mode', () => {
  const infra = infraConfig();
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  });

  it('refuses to start with the development defaults, one sentence per missing setting', async () => {
    const svc = startService({ ...bareEnv(), VANGUARD_ENV: 'production' });
    started.push(svc.child);

    const code = await svc.exited;

    expect(code).toBe(78);
    const sentences = svc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('  - '));
    expect(sentences.map((l) => l.slice(4).split(' ')[0])).toEqual([
      // The county decision feed copies only decisions their producers signed (ADR 0062).
      'EVALUATION_EVENT_VERIFY_KEYS',
      'COMMENDATION_EVENT_VERIFY_KEYS',
      'VANGUARD_KEK',
      'ORGANIZATION_EVENT_SIGNING_KEY',
      'VANGUARD_COUNTY_ORGS',
      'VANGUARD_IDEMPOTENCY_KEY',
      'DATABASE_URL',
      'VG_SERVICE_DB_PASSWORD',
      'KEYCLOAK_URL',
      'VANGUARD_API_CLIENTS',
    ]);
  });

  it('passes the check once every setting is the operator’s own', async () => {
    const svc = startService({
      ...bareEnv(),
      NODE_ENV: 'production',
      VANGUARD_KEK: formatKek(newKek('kek-test')),
      VANGUARD_IDEMPOTENCY_KEY: randomBytes(32).toString('base64'),
      ORGANIZATION_EVENT_SIGNING_KEY: randomBytes(32).toString('base64'),
      EVALUATION_EVENT_VERIFY_KEYS: `evaluation-prod=${operatorPublicKey()}`,
      COMMENDATION_EVENT_VERIFY_KEYS: `commendation-prod=${operatorPublicKey()}`,
      DATABASE_URL: 'postgres://vanguard_admin:not-the-default@127.0.0.1:5432/vanguard_unused',
      VG_SERVICE_DB_PASSWORD: 'not-the-default-either',
      KEYCLOAK_URL: infra.keycloakUrl,
      // The real Keycloak's master realm holds neither the demo clients nor the test ones.
      KEYCLOAK_REALM: 'master',
      VANGUARD_API_CLIENTS: 'console-prod,county-prod',
      VANGUARD_COUNTY_ORGS: 'county-prod=6a1f0c2e-0000-4000-8000-00000000000a',
    });
    started.push(svc.child);

    await waitUntil(
      'the production check to finish',
      () => /production mode: no development defaults found/.test(svc.output()) || svc.child.exitCode !== null,
      {
        timeoutMs: 30_000,
      },
    );

    expect(svc.output()).toContain('production mode: no development defaults found');
    expect(svc.output()).not.toContain('refusing to start');
  });

  it('recognises the demo realm on a real Keycloak: demo secrets and the console’s password grant', async () => {
    const problems = await keycloakProductionProblems({ KEYCLOAK_URL: infra.keycloakUrl, KEYCLOAK_REALM: 'vanguard' });

    expect(problems).toEqual([
      expect.stringContaining('demo secret of client vanguard-api'),
      expect.stringContaining('demo secret of client county-songling'),
      expect.stringContaining('demo secret of client county-hekou'),
      expect.stringContaining('console client vanguard-console in realm "vanguard" still takes passwords directly'),
    ]);
  });

  it('asks every API client, not only the one named the console, whether it takes passwords', async () => {
    // The console setting renamed while the demo console stays on the allow-list.
    const problems = await keycloakProductionProblems({
      KEYCLOAK_URL: infra.keycloakUrl,
      KEYCLOAK_REALM: 'vanguard',
      VANGUARD_CONSOLE_CLIENT: 'console-prod',
      VANGUARD_API_CLIENTS: 'console-prod,vanguard-console',
    });

    expect(problems).toContainEqual(
      expect.stringContaining('API client vanguard-console in realm "vanguard" still takes passwords directly'),
    );
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['in production mode', { VANGUARD_ENV: 'production' }],
    ['outside production mode', {}],
  ])('refuses a database URL that does not parse %s with status 78, naming it and not its password', async (_, mode) => {
    const svc = startService({ ...bareEnv(), ...mode, DATABASE_URL: 'postgres://vanguard_admin:pa#ss-Qx7@127.0.0.1:5432/vanguard' });
    started.push(svc.child);

    const code = await svc.exited;

    expect(code).toBe(78);
    expect(svc.output()).toContain('DATABASE_URL is not a valid URL');
    expect(svc.output()).not.toContain('pa#ss');
    expect(svc.output()).not.toContain('ss-Qx7');
  });

  it('names every test-only client a realm holds', async () => {
    const problems = await keycloakProductionProblems({ KEYCLOAK_URL: infra.keycloakUrl, KEYCLOAK_REALM: 'vanguard-test' });

    expect(problems.filter((p) => p.includes('test-only client'))).toEqual([
      expect.stringContaining('vanguard-short-lived'),
      expect.stringContaining('vanguard-test-foreign'),
      expect.stringContaining('vanguard-test-id-audience'),
    ]);
  });

  it('says so when Keycloak does not answer rather than passing the realm unchecked', async () => {
    const problems = await keycloakProductionProblems({ KEYCLOAK_URL: 'http://127.0.0.1:9', KEYCLOAK_REALM: 'vanguard' }, 2000);

    expect(problems).toEqual([expect.stringMatching(/^Keycloak at http:\/\/127\.0\.0\.1:9 did not answer/)]);
  });
});

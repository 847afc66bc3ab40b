import { isDevelopmentKey } from '@vanguard/keys';
import { DEMO_API_CLIENTS, DEMO_COUNTY_ORGS, apiClients, configProblems, countyOrgs, infraConfig } from './index';

/**
 * Production mode: `VANGUARD_ENV=production` or `NODE_ENV=production`. In it every service
 * refuses to start on a development default and says which, one sentence per setting, so a
 * platform deployed as it was cloned fails at once instead of serving with public secrets.
 */
export function isProductionMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['VANGUARD_ENV'] === 'production' || env['NODE_ENV'] === 'production';
}

/** Clients that exist only in the test realm; their tokens must never open the API. */
export const TEST_CLIENTS = ['vanguard-short-lived', 'vanguard-test-foreign', 'vanguard-test-id-audience'] as const;
export const TEST_REALM = 'vanguard-test';
const DEMO_SECRET_CLIENTS = ['vanguard-api', 'county-songling', 'county-hekou'] as const;

/**
 * The mass-evaluation ballot key (ADR 0027) the evaluation service falls back to outside
 * production: public in the source, so codes hashed under it could be tested offline.
 */
export const DEVELOPMENT_BALLOT_KEY = 'vanguard-development-ballot-key';
/** The idempotency fingerprints' key outside production (libs/http's interceptor), public in the source. */
export const DEVELOPMENT_IDEMPOTENCY_KEY = 'vanguard-development-idempotency-key';
/** 32 random bytes written as base64 are 44 characters; anything shorter is no key of its own. */
const BALLOT_KEY_MIN_LENGTH = 32;

const isTestClient = (c: string): boolean => (TEST_CLIENTS as readonly string[]).includes(c) || c.startsWith('vanguard-test-');

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A check that needs a lib above this one (this is a util lib: it cannot parse the keys
 * `@vanguard/auth` owns), handed in by the service's main. One sentence per problem.
 */
export type ProductionCheck = (env: NodeJS.ProcessEnv, service: string) => string[];

/**
 * A voting page a phone can open and use: https, a host that is neither loopback nor unspecified,
 * no fragment (the slip's window and code go there) and no trailing slash (the page calls the
 * ballot endpoint by a path relative to itself).
 */
function isPublicVotePage(raw: string | undefined): boolean {
  if (!raw || !URL.canParse(raw)) return false;
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local =
    host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::';
  return url.protocol === 'https:' && !local && url.hash === '' && !raw.includes('#') && !url.pathname.endsWith('/');
}

/**
 * What the environment leaves at a development default, one sentence each. Pure: reads only
 * `env`, so it runs before anything connects and is unit-tested directly.
 */
export function productionProblems(
  env: NodeJS.ProcessEnv = process.env,
  service?: string,
  checks: readonly ProductionCheck[] = [],
): string[] {
  // Settings that do not parse come first, by name only, and the checks below skip them.
  const unreadable = configProblems(env);
  const problems: string[] = [...unreadable];
  const readable = (name: string) => !unreadable.some((p) => p.startsWith(`${name} `));
  if (service !== undefined) for (const check of checks) problems.push(...check(env, service));
  try {
    if (isDevelopmentKey(env)) {
      problems.push(
        'VANGUARD_KEK is not set: personal data would be sealed under the development key, which is public in the source; set VANGUARD_KEK to "<id>:<base64 of 32 random bytes>".',
      );
    }
  } catch (e) {
    problems.push(`${(e as Error).message}.`);
  }

  // Scope everywhere follows organisation events, which only the organization service signs (ADR 0010).
  if (service === 'organization' && !env['ORGANIZATION_EVENT_SIGNING_KEY']) {
    problems.push(
      'ORGANIZATION_EVENT_SIGNING_KEY is not set: organisation events would be signed with the development key, which anyone can derive from the source and use to forge scope.',
    );
  }
  // The county decision feed routes by it, and a decision names the county's members (ADR 0062):
  // with the demo realm's mapping one county's decisions would go to another county's topic.
  if (service === 'organization' && env['ORGANIZATION_COUNTY_INBOUND'] !== 'off') {
    const orgs = env['VANGUARD_COUNTY_ORGS'];
    const demo = Object.values(DEMO_COUNTY_ORGS);
    if (!orgs) {
      problems.push(
        "VANGUARD_COUNTY_ORGS is not set: the county decision feed would route by the demo realm's county organisations; list each county client's organisation (<clientId>=<orgId>,…).",
      );
    } else if (readable('VANGUARD_COUNTY_ORGS') && Object.values(countyOrgs(env)).some((o) => demo.includes(o))) {
      problems.push("VANGUARD_COUNTY_ORGS names a demo realm county organisation; list your counties' own organisations.");
    }
  }
  if (service !== undefined && service !== 'organization' && !env['ORGANIZATION_EVENT_VERIFY_KEYS']) {
    problems.push(
      'ORGANIZATION_EVENT_VERIFY_KEYS is not set: this service would trust organisation events signed with the public development key.',
    );
  }

  // One-time ballot codes are kept only as keyed hashes (ADR 0027): with the published key anyone
  // holding the code table could try codes offline and link a ballot's code back to a voter's slip.
  if (service === 'evaluation') {
    const ballotKey = env['VANGUARD_BALLOT_KEY'];
    if (!ballotKey || ballotKey === DEVELOPMENT_BALLOT_KEY) {
      problems.push(
        'VANGUARD_BALLOT_KEY is not set or is the development key: ballot codes would be hashed under a key published in the source; set a secret of at least 32 random bytes.',
      );
    } else if (ballotKey.length < BALLOT_KEY_MIN_LENGTH) {
      problems.push(`VANGUARD_BALLOT_KEY is shorter than ${BALLOT_KEY_MIN_LENGTH} characters; set a secret of at least 32 random bytes.`);
    }
    // The slips' QR codes carry it: a loopback default would print codes no voter's phone can open.
    if (!isPublicVotePage(env['VANGUARD_VOTE_URL'])) {
      problems.push(
        "VANGUARD_VOTE_URL is not set, not https, a loopback or unspecified address, or carries a fragment or a trailing slash: the ballot slips' QR codes would open a page voters cannot reach or use; set the public address of the voting page (this service's /vote behind your gateway).",
      );
    }
  }

  // Idempotency fingerprints are keyed hashes of whole request bodies, ID numbers included (ADR 0072):
  // under the published key a body could be guessed back from its fingerprint.
  if (service !== undefined) {
    const key = env['VANGUARD_IDEMPOTENCY_KEY'];
    if (!key || key === DEVELOPMENT_IDEMPOTENCY_KEY || key.length < BALLOT_KEY_MIN_LENGTH) {
      problems.push(
        `VANGUARD_IDEMPOTENCY_KEY is not set, is the development key or is shorter than ${BALLOT_KEY_MIN_LENGTH} characters: request fingerprints kept for 24 h would be hashed under a key anyone can know, and a body's ID number guessed back; set a secret of at least 32 random bytes.`,
      );
    }
  }

  const databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl) {
    problems.push('DATABASE_URL is not set: the services would use the development Postgres (user postgres, no password, 127.0.0.1).');
  } else if (readable('DATABASE_URL') && (!passwordOf(databaseUrl) || passwordOf(databaseUrl) === 'postgres')) {
    problems.push("DATABASE_URL has no password or Postgres's default one (postgres); give the administrator a password of its own.");
  }
  if (env['POSTGRES_PASSWORD'] === 'postgres') {
    problems.push('POSTGRES_PASSWORD is the default "postgres"; choose another before the database is created.');
  }
  const servicePassword = env['VG_SERVICE_DB_PASSWORD'];
  if (!servicePassword || servicePassword === 'vanguard-dev') {
    problems.push(
      'VG_SERVICE_DB_PASSWORD is not set or is the development "vanguard-dev": every service role (vg_<service>) would log in with a password published in the source.',
    );
  }

  if (!env['KEYCLOAK_URL']) {
    problems.push(
      'KEYCLOAK_URL is not set: tokens would be checked against the development Keycloak on 127.0.0.1:8180, which runs the demo realm with admin / admin.',
    );
  }
  for (const variable of ['KC_BOOTSTRAP_ADMIN_PASSWORD', 'KEYCLOAK_ADMIN_PASSWORD']) {
    if (env[variable] === 'admin')
      problems.push(`${variable} is the default "admin"; give Keycloak's administrator a password of its own.`);
  }
  if ((env['KEYCLOAK_REALM'] ?? 'vanguard') === TEST_REALM) {
    problems.push(`KEYCLOAK_REALM names the test realm "${TEST_REALM}", whose test clients and users must never reach production.`);
  }

  const clients = env['VANGUARD_API_CLIENTS'];
  if (!clients) {
    problems.push(
      `VANGUARD_API_CLIENTS is not set: the API would accept the demo realm's clients (${DEMO_API_CLIENTS.join(', ')}); name your console and county system clients.`,
    );
  } else {
    const test = apiClients(env).filter(isTestClient);
    if (test.length > 0) problems.push(`VANGUARD_API_CLIENTS names test-only clients (${test.join(', ')}); remove them.`);
  }
  return problems;
}

type TokenAnswer = { status: number; error: string | undefined };

/**
 * Asks the configured Keycloak, without signing anyone in, whether it still runs the demo
 * realm: whether the demo secrets authenticate, test clients exist, or the console still
 * takes passwords directly. It never guesses a real user's password, so it cannot trip the
 * brute-force lock; the password-grant probe uses a user name no one has.
 */
export async function keycloakProductionProblems(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<string[]> {
  const cfg = infraConfig(env);
  const realm = cfg.keycloakRealm;
  const endpoint = `${cfg.keycloakUrl}/realms/${realm}/protocol/openid-connect/token`;
  const ask = async (form: Record<string, string>): Promise<TokenAnswer> => {
    const res = await fetch(endpoint, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return { status: res.status, error: body.error };
  };
  const nobody = { grant_type: 'password', username: 'vanguard-production-check.nobody', password: 'x' };
  const problems: string[] = [];
  try {
    for (const client of DEMO_SECRET_CLIENTS) {
      // A wrong secret or an unknown client is `invalid_client`; anything else means the demo secret authenticated.
      const answer = await ask({ grant_type: 'client_credentials', client_id: client, client_secret: `${client}-demo-secret` });
      if (answer.error !== 'invalid_client') {
        problems.push(
          `Keycloak realm "${realm}" still accepts the demo secret of client ${client}: this is the demo realm, or its secrets were never changed.`,
        );
      }
    }
    for (const client of TEST_CLIENTS) {
      const answer = await ask({ ...nobody, client_id: client });
      if (answer.error !== 'invalid_client') problems.push(`Keycloak realm "${realm}" contains the test-only client ${client}; delete it.`);
    }
    // Every client whose tokens the API takes, not only the one named the console: a renamed
    // console setting must not leave the demo console, still on the allow-list, unchecked.
    const consoleClient = env['VANGUARD_CONSOLE_CLIENT'] ?? 'vanguard-console';
    for (const client of [...new Set([consoleClient, ...cfg.apiClients])]) {
      const answer = await ask({ ...nobody, client_id: client });
      // `invalid_grant` means the client took the password grant and only the user was wrong.
      if (answer.error === 'invalid_grant') {
        problems.push(
          `The ${client === consoleClient ? 'console client' : 'API client'} ${client} in realm "${realm}" still takes passwords directly (direct access grants); turn that off so people sign in through the browser.`,
        );
      }
    }
  } catch (e) {
    problems.push(
      `Keycloak at ${cfg.keycloakUrl} did not answer (${(e as Error).message}), so realm "${realm}" could not be checked for demo secrets and test clients.`,
    );
  }
  return problems;
}

/**
 * Call first thing in every service's main: outside production mode it does nothing; in it,
 * a service with any development default prints one sentence per setting and exits 78
 * (EX_CONFIG) before it opens a port or a connection. `checks` look inside what is set
 * (`orgEventKeyProblems` from `@vanguard/auth`); required, so a main cannot forget them.
 */
export async function refuseUnsafeProductionStart(
  service: string,
  checks: readonly ProductionCheck[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!isProductionMode(env)) return;
  const problems = productionProblems(env, service, checks);
  // With a setting that does not parse there is no Keycloak to ask reliably, and the start is refused anyway.
  if (env['KEYCLOAK_URL'] && configProblems(env).length === 0) problems.push(...(await keycloakProductionProblems(env)));
  if (problems.length === 0) {
    process.stderr.write(`[${service}] production mode: no development defaults found\n`);
    return;
  }
  process.stderr.write(
    `[${service}] refusing to start in production mode (VANGUARD_ENV/NODE_ENV=production):\n${problems.map((p) => `  - ${p}\n`).join('')}See docs/operations.md.\n`,
  );
  process.exit(78);
}

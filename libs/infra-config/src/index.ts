/**
 * Where the platform's real parts live. Every process (services, scripts, tests) reads
 * the same variables, so pointing the platform at existing servers is one export away.
 */
export interface InfraConfig {
  /** Admin URL of the Postgres server (the `postgres` database on it). */
  readonly postgresAdminUrl: string;
  /** Database the running platform uses. */
  readonly databaseUrl: string;
  /** Separate database for test suites, so tests never touch demo data. */
  readonly testDatabaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  /**
   * The broker's SASL listener (SCRAM-SHA-512), where county systems connect as their own
   * principal under ACLs (docs/county-integration.md); the platform itself uses `kafkaBrokers`.
   */
  readonly kafkaSaslBrokers: readonly string[];
  readonly keycloakUrl: string;
  readonly keycloakRealm: string;
  /** Issuer the tokens carry; pinned by Keycloak's `--hostname`. */
  readonly keycloakIssuer: string;
  readonly keycloakAudience: string;
  /** Clients (`azp`) whose tokens the API accepts: the console and the county systems. */
  readonly apiClients: readonly string[];
}

import { ConfigError, UsageError } from './env';

/** The demo realm's callers; production names its own with `VANGUARD_API_CLIENTS`. */
export const DEMO_API_CLIENTS = ['vanguard-console', 'county-songling', 'county-hekou'] as const;

/** County systems' Keycloak clients: VANGUARD_COUNTY_CLIENTS, else the demo realm's county clients. */
export function countyClients(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env['VANGUARD_COUNTY_CLIENTS'] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return listed.length ? listed : DEMO_API_CLIENTS.filter((c) => c.startsWith('county-'));
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** The organisation each of the demo realm's county clients speaks for (its service account's `org_id`). */
export const DEMO_COUNTY_ORGS: Readonly<Record<string, string>> = {
  'county-songling': '00000000-0000-4000-8000-000000910425',
  'county-hekou': '00000000-0000-4000-8000-000000910426',
};

/**
 * Each county system's organisation, by client id: VANGUARD_COUNTY_ORGS (`county-a=<orgId>,…`,
 * the `org_id` of each client's service account in Keycloak), else the demo realm's (production mode
 * refuses that in organization: refuseUnsafeProductionStart). The county
 * decision feed routes by it (ADR 0062); a county listed in neither gets no feed.
 */
export function countyOrgs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const text = env['VANGUARD_COUNTY_ORGS'];
  if (!text) return { ...DEMO_COUNTY_ORGS };
  const orgs: Record<string, string> = {};
  for (const entry of list(text)) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new ConfigError(`VANGUARD_COUNTY_ORGS entry "${entry}" is not <clientId>=<orgId>`);
    orgs[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return orgs;
}

/** Clients whose tokens the API accepts: VANGUARD_API_CLIENTS, else the demo realm's. */
export function apiClients(env: NodeJS.ProcessEnv = process.env): string[] {
  return env['VANGUARD_API_CLIENTS'] ? list(env['VANGUARD_API_CLIENTS']) : [...DEMO_API_CLIENTS];
}

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const isUrl = (value: string): boolean => {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
};

/**
 * The settings that cannot even be read, one sentence each, naming the setting and never its
 * value: a database URL carries the administrator's password (a `#` or `/` in it, unescaped, is
 * the usual way to get here). Empty when every setting parses.
 */
export function configProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'KEYCLOAK_URL']) {
    const value = env[name];
    if (value !== undefined && !isUrl(value))
      problems.push(`${name} is not a valid URL (percent-encode any of : / ? # [ ] @ in its user name or password).`);
  }
  try {
    countyOrgs(env);
  } catch (e) {
    problems.push(`${(e as Error).message}.`);
  }
  return problems;
}

/** Throws a ConfigError with every sentence of configProblems, so a start names them all at once. */
export function infraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const problems = configProblems(env);
  if (problems.length) throw new ConfigError(problems.join(' '));
  const databaseUrl = env['DATABASE_URL'] ?? `${DEFAULT_PG}/vanguard`;
  const keycloakUrl = (env['KEYCLOAK_URL'] ?? 'http://127.0.0.1:8180').replace(/\/$/, '');
  const keycloakRealm = env['KEYCLOAK_REALM'] ?? 'vanguard';
  return {
    postgresAdminUrl: withDatabase(databaseUrl, 'postgres'),
    databaseUrl,
    testDatabaseUrl: env['TEST_DATABASE_URL'] ?? withDatabase(databaseUrl, `${new URL(databaseUrl).pathname.slice(1) || 'vanguard'}_test`),
    kafkaBrokers: list(env['KAFKA_BROKERS'] ?? '127.0.0.1:9092'),
    kafkaSaslBrokers: list(env['KAFKA_SASL_BROKERS'] ?? '127.0.0.1:9094'),
    keycloakUrl,
    keycloakRealm,
    keycloakIssuer: env['KEYCLOAK_ISSUER'] ?? `${keycloakUrl}/realms/${keycloakRealm}`,
    keycloakAudience: env['KEYCLOAK_AUDIENCE'] ?? 'vanguard-api',
    apiClients: apiClients(env),
  };
}

/** Demo organisation ids embed the hierarchical code, so seeds, realm and tests agree without a lookup. */
export function demoOrgId(code: string): string {
  return `00000000-0000-4000-8000-${code.padStart(12, '0')}`;
}

/** The platform's services, each with its own port, Postgres schema and login role. */
export const SERVICES = {
  organization: 3001,
  evaluation: 3002,
  commendation: 3003,
  assistance: 3004,
  publicity: 3005,
  audit: 3006,
  reporting: 3007,
} as const;
export type ServiceName = keyof typeof SERVICES;

/** Login role of a service: owns its schema and nothing else. */
export const serviceRole = (service: ServiceName): string => `vg_${service}`;

/**
 * How a service connects: as its own role, to `database` (the platform's or the test one),
 * with its schema first on the search path.
 */
export function serviceDatabaseUrl(service: ServiceName, databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const u = new URL(databaseUrl);
  u.username = serviceRole(service);
  u.password = env['VG_SERVICE_DB_PASSWORD'] ?? 'vanguard-dev';
  return u.toString();
}
export type Database = 'platform' | 'test';

/** The admin URL of the platform's database or the test one. */
export const databaseUrlOf = (database: Database, infra: InfraConfig = infraConfig()): string =>
  database === 'test' ? infra.testDatabaseUrl : infra.databaseUrl;

/**
 * The scripts' `--database platform|test` (or `--database=test`), default platform, and the
 * other arguments. Anything else is a UsageError: a misspelt `--database` once meant the
 * platform's database, the one a test run must never touch.
 */
export function databaseArg(argv: readonly string[]): { database: Database; rest: string[] } {
  const rest: string[] = [];
  const given: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--database') {
      given.push(argv[i + 1] ?? '');
      i++;
    } else if (a.startsWith('--database=')) given.push(a.slice('--database='.length));
    else rest.push(a);
  }
  if (given.length > 1) throw new UsageError(`--database is given ${given.length} times; give it once`);
  const database = given[0] ?? 'platform';
  if (database !== 'platform' && database !== 'test')
    throw new UsageError(`--database must be platform or test, not ${JSON.stringify(database)}`);
  return { database, rest };
}

export * from './production';
export * from './start';
export { ConfigError, UsageError, countFromEnv, parseCount, portFromEnv, positiveIntFromEnv } from './env';
export { isOutOfReach, needsAnOperator } from './unreachable';

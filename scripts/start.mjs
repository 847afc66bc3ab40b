#!/usr/bin/env node
// `npm start`: from a clean clone to a serving platform. Installs what is missing,
// brings up Postgres, Kafka and Keycloak, migrates, seeds the demo county (idempotent),
// starts every service and waits until each is ready. Ctrl-C stops the services;
// `npm run infra:down` stops the infrastructure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TS, ensureDependencies, must, root } from './lib.mjs';

const started = Date.now();
const secs = () => ((Date.now() - started) / 1000).toFixed(1);
ensureDependencies();
must(process.execPath, ['scripts/infra.mjs', 'up'], 'bringing up the infrastructure');
must(process.execPath, [...TS, 'scripts/migrate.ts'], 'migrating');
if (fs.existsSync(path.join(root, 'scripts', 'seed.ts'))) {
  must(process.execPath, [...TS, 'scripts/seed.ts', '--size', 'county'], 'seeding the demo county');
}

const PORTS = { organization: 3001, evaluation: 3002, commendation: 3003, assistance: 3004, publicity: 3005, audit: 3006, reporting: 3007 };
const services = Object.keys(PORTS).filter((s) => fs.existsSync(path.join(root, 'services', s, 'src', 'main.ts')));
const logDir = path.join(root, '.vanguard', 'logs');
fs.mkdirSync(logDir, { recursive: true });

const children = services.map((name) => {
  const out = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [...TS, `services/${name}/src/main.ts`], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: { ...process.env, PORT: String(PORTS[name]) },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`✗ ${name} exited (${signal ?? code}); see .vanguard/logs/${name}.log`);
      void stop(1);
    }
  });
  return { name, child };
});

let stopping = false;
// The longest shutdown deadline a service was given (libs/http's default 25 s), and a margin.
const GRACE_MS =
  Math.max(
    25_000,
    ...Object.entries(process.env)
      .filter(([k]) => k.endsWith('_SHUTDOWN_DEADLINE_MS'))
      .map(([, v]) => Number(v) || 0),
  ) + 5_000;
/**
 * Each service gets SIGTERM and its shutdown deadline; this waits for every one to exit, says
 * which did not exit 0, and leaves no orphan behind. A second Ctrl-C does not wait.
 */
async function stop(code = 0) {
  if (stopping) {
    for (const { child } of children) child.kill('SIGKILL');
    process.exit(code || 130);
  }
  stopping = true;
  const exits = await Promise.all(
    children.map(
      ({ name, child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve({ name, code: child.exitCode ?? child.signalCode });
          const kill = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
          child.once('exit', (c, signal) => (clearTimeout(kill), resolve({ name, code: signal ?? c })));
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const e of exits.filter((e) => e.code !== 0)) console.error(`✗ ${e.name} stopped with ${e.code}; see .vanguard/logs/${e.name}.log`);
  process.exit(code);
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => void stop(0));

async function ready(name) {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORTS[name]}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} not ready after 120 s: ${last}`);
}

try {
  await Promise.all(services.map(ready));
} catch (e) {
  console.error(`✗ ${e.message}`);
  void stop(1);
}
if (!stopping) {
  const kc = process.env.KEYCLOAK_URL ?? 'http://127.0.0.1:8180';
  console.log(`\n✓ Vanguard is up in ${secs()} s\n`);
  for (const s of services)
    console.log(
      `  ${s.padEnd(13)} http://127.0.0.1:${PORTS[s]}/docs   (ready: /health/ready, metrics: /metrics, log: .vanguard/logs/${s}.log)`,
    );
  console.log(`  keycloak      ${kc}/admin/  (admin / admin; realm "vanguard")`);
  console.log('\n  Demo users (password vanguard-demo): county.organizer, township.secretary, village.secretary,');
  console.log('  province.auditor, admin.user, zone.leader.01…15 (the fifteen zones’ leaders) — see README.md for every role.');
  console.log('  Ctrl-C stops the services.');
  // The demo platform signs its events with the public development keys, which `follow` refuses unless told.
  console.log('  A county’s view of its decisions: npm run county -- follow --allow-development-key\n');
}

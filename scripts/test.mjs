#!/usr/bin/env node
// `npm test`: lint, type-check, unit, then integration and end-to-end against the real
// Postgres, Kafka and Keycloak (brought up here; components this run started are
// stopped again on CI). Prints one closing line: "tests: N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ensureDependencies, root, run } from './lib.mjs';

ensureDependencies();
const t0 = Date.now();
const step = (name) => console.log(`\n▶ ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// Lint, type-check, unit tests and bringing up the infrastructure need nothing of each other, and the
// infrastructure mostly waits on Java start-ups: side by side they cost about the longest of them,
// not the sum. Each one's output is held and printed whole when it ends, so the log stays readable.
const before = spawnSync(
  process.execPath,
  ['-e', "import('./scripts/infra.mjs').then(async m => process.stdout.write(JSON.stringify(await m.running())))"],
  { cwd: root, encoding: 'utf8' },
);
const wasRunning = before.status === 0 ? JSON.parse(before.stdout || '{}') : {};
step('lint, type-check, unit tests and infrastructure, side by side');
const reports = path.join(root, '.vanguard', 'test-reports');
fs.mkdirSync(reports, { recursive: true });
const jestArgs = (label, args) => {
  const out = path.join(reports, `${label}.json`);
  fs.rmSync(out, { force: true });
  return { out, args: ['jest', ...args, '--json', `--outputFile=${out}`] };
};
const result = (status, out) => {
  const r = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : { numPassedTests: 0, numFailedTests: 0, numTotalTests: 0 };
  return {
    status,
    passed: r.numPassedTests,
    // A run that failed with no failed test (a suite that did not load, Jest kept from exiting) still counts once.
    failed: r.numFailedTests + (status !== 0 && r.numFailedTests === 0 ? 1 : 0),
    total: r.numTotalTests,
  };
};
const task = (name, cmd, args) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => {
      console.log(`\n── ${name}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (out.trim()) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
      resolve({ name, code: code ?? 1 });
    });
  });
// Unit tests need none of the real parts: they run beside the infrastructure's start-up too.
const unitRun = jestArgs('unit', ['--selectProjects', 'unit']);
const prepared = await Promise.all([
  task('lint', 'npm', ['run', '--silent', 'lint']),
  task('type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']),
  task('infrastructure', process.execPath, ['scripts/infra.mjs', 'up']),
  task('unit', 'npx', unitRun.args),
]);
const unit = result(prepared[3].code, unitRun.out);
for (const { name, code } of prepared.slice(0, 3)) {
  if (code !== 0) {
    process.stderr.write(`\n✗ ${name} failed (exit ${code})\n`);
    process.exit(code);
  }
}

// One Jest run, in band: the outage test stops the shared broker, which no other suite may see.
step('integration+e2e');
const realRun = jestArgs('integration+e2e', ['--selectProjects', 'integration', 'e2e', '--runInBand']);
const real = result(run('npx', realRun.args), realRun.out);

if (process.env.CI && !process.env.VANGUARD_KEEP_INFRA) {
  for (const c of ['keycloak', 'kafka', 'postgres']) if (wasRunning[c] === false) run(process.execPath, ['scripts/infra.mjs', 'down', c]);
}
const passed = unit.passed + real.passed;
const failed = unit.failed + real.failed;
console.log(`\nnpm test finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(unit.status || real.status || (passed === 0 ? 1 : 0));

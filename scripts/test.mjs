#!/usr/bin/env node
// `npm test`: unit, integration and end-to-end against the real Postgres, Kafka and Keycloak
// (brought up here; components this run started are stopped again on CI), lint and type-check. Prints one closing line: "tests: N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { endIfHungAfterResults, ensureDependencies, root, run } from './lib.mjs';

ensureDependencies();
const t0 = Date.now();
const step = (name) => console.log(`\n▶ ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// Unit tests and bringing up the infrastructure need nothing of each other, and the infrastructure
// mostly waits on Java start-ups: side by side they cost about the longer of them, not the sum;
// the unit tests go on beside the integration phase and are counted at the end.
// Lint and type-check need nothing of the real parts either: they run in the integration phase,
// once two of its three lanes have ended, on CPU the suites left running leave idle (below); before
// it they stretched this first phase by a minute. Each one's output is held and printed whole when
// it ends, so the log stays readable.
// With VANGUARD_INFRA=containers the Jest run's global setup starts the parts on Docker
// (libs/testing/src/containers.ts): nothing local is brought up here or taken down at the end, so
// a machine with Docker and without Java runs it.
const containers = process.env.VANGUARD_INFRA === 'containers';
const before = containers
  ? undefined
  : spawnSync(
      process.execPath,
      ['-e', "import('./scripts/infra.mjs').then(async m => process.stdout.write(JSON.stringify(await m.running())))"],
      { cwd: root, encoding: 'utf8' },
    );
const wasRunning = before?.status === 0 ? JSON.parse(before.stdout || '{}') : {};
step(containers ? 'unit tests (the containers start in the integration run)' : 'unit tests and infrastructure, side by side');
const reports = path.join(root, '.vanguard', 'test-reports');
fs.mkdirSync(reports, { recursive: true });
// Jest itself, not through npx: the process the watch below ends is then Jest's own.
const JEST = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const jestArgs = (label, args) => {
  const out = path.join(reports, `${label}.json`);
  fs.rmSync(out, { force: true });
  return { out, args: [JEST, ...args, '--json', `--outputFile=${out}`] };
};
const UNWIRED = 'VANGUARD_UNDOCUMENTED_ANSWERS reached no suite, so no answer was checked against its document';
/** The check of the answers noted above: each route and status once, with the codes answered. */
const documentedAnswers = () => {
  const seen = new Map();
  const all = fs.existsSync(undocumentedAnswers) ? fs.readdirSync(undocumentedAnswers) : [];
  // Each app that notes marks it (undocumented-answers.ts): none means the variable reached no suite.
  if (!all.some((f) => f.endsWith('.noting'))) {
    console.log('\n── documented answers: no app noted its answers; the check did not run');
    return { name: 'documented answers', code: 1, out: `no <pid>.noting in ${undocumentedAnswers}: ${UNWIRED}` };
  }
  const files = all.filter((f) => f.endsWith('.jsonl'));
  for (const file of files)
    for (const line of fs.readFileSync(path.join(undocumentedAnswers, file), 'utf8').split('\n').filter(Boolean)) {
      let a;
      try {
        a = JSON.parse(line);
      } catch {
        // A process killed half-way through a line (the hang watchdog): the line counts, unread.
        a = { method: '?', path: `(a line of ${file} cut short)`, status: '?', code: '?' };
      }
      const key = `${a.method} ${a.path} ${a.status}`;
      seen.set(key, new Set([...(seen.get(key) ?? []), a.code]));
    }
  const out = [...seen]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, codes]) => `  ${key} (${[...codes].sort().join(', ')})`)
    .join('\n');
  console.log(
    `\n── documented answers: ${seen.size === 0 ? 'every refusal answered is in its OpenAPI operation, every 400 reason says it in Chinese first' : `${seen.size} not listed, or a 400 reason not in Chinese (the field after the code)`}`,
  );
  if (out) console.log(out);
  return {
    name: 'documented answers',
    code: seen.size === 0 ? 0 : 1,
    out: `answered, and not in the operation's responses, or a 400 whose field reason does not say it in Chinese first (the field after the code):\n${out}`,
  };
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
const task = (name, cmd, args, resultsFile, env = process.env) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (resultsFile) endIfHungAfterResults(child, name, resultsFile);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code, signal) => {
      console.log(`\n── ${name}: exit ${code ?? signal} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (out.trim()) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
      resolve({ name, code: code ?? 1, out });
    });
  });
// Unit tests need none of the real parts: they run beside the infrastructure's start-up, and on
// beside the first integration suites rather than holding them back (a clean-clone run on
// 2026-12-02: infrastructure 104 s, unit tests 174 s on Jest's one worker of this 2-CPU machine).
const unitRun = jestArgs('unit', ['--selectProjects', 'unit']);
// Without the variable below even when the caller's shell exported it: the unit run's toy apps note nothing.
const { VANGUARD_UNDOCUMENTED_ANSWERS: _inherited, ...unitEnv } = process.env;
const unitTask = task('unit', process.execPath, unitRun.args, unitRun.out, unitEnv);
// Every refusal a service's route answers in the suites from here on with a status its OpenAPI
// operation does not list is noted here (libs/http/src/undocumented-answers.ts), by every process
// they start: at the end, one noted is a failed check (ADR 0156).
const undocumentedAnswers = path.join(root, '.vanguard', 'undocumented-answers');
fs.rmSync(undocumentedAnswers, { recursive: true, force: true });
process.env.VANGUARD_UNDOCUMENTED_ANSWERS = undocumentedAnswers;
const infrastructure = containers
  ? { name: 'infrastructure', code: 0, out: '' }
  : await task('infrastructure', process.execPath, ['scripts/infra.mjs', 'up']);
/** A check that failed: its end again, beside the verdict (its output went by above, before others' long logs). */
const failedCheck = ({ name, code, out }) => {
  const end = out.trimEnd().split('\n').slice(-30).join('\n');
  process.stderr.write(`\n✗ ${name} failed (exit ${code}); the end of its output:\n${end}\n`);
};
if (infrastructure.code !== 0) {
  await unitTask;
  failedCheck(infrastructure);
  process.exit(infrastructure.code);
}
const lintAndTypes = () => [
  ['lint', 'npm', ['run', '--silent', 'lint']],
  // The typecheck script: incremental, so a warm run checks only what changed (exact, unlike a lint cache of type-aware rules).
  ['type-check', 'npm', ['run', '--silent', 'typecheck']],
];

// Integration and end-to-end, in band within each run, in three lanes side by side. Suites that
// share a schema or a consumer group take turns in one lane. Organization's suites write only
// organization's schema and no other suite writes it: lane one is organization's suites.
// Evaluation's test app writes evaluation's schema for audit's suites too, audit's and the
// platform suite's take commendation's app, and the platform suite publicity's: lane two is those
// five, in one run. Assistance's suites and reporting's (each in schemas and groups of their own;
// reporting's summary against the owners in a database of its own), and publicity's that connect
// to no topic, share with none of them: lane three is theirs, then the libraries' suites in two
// Jest shards with the messaging library's between them. The libraries' suites keep to schemas,
// topics and groups of their own, so they may run beside anything and balance the lanes: lane two
// was the longest by 100–200 s (a clean-clone run on 2026-12-06: lanes one, two and three 913,
// 1,013 and 715 s), so lane one gave its shard to lane three and lane two six suites.
// A warm run on 2026-12-04 with two lanes and lint between them took 1,306 s, the CPU near busy
// until the lanes ended and 60 % idle in the suites alone after them: lint and type-check (CPU,
// nothing else) now start, side by side, when two lanes have ended and run on beside the rest,
// those alone included.
// After the lanes, alone: suites that reach every service's schema — two counties (organization,
// evaluation and assistance as processes over the shared schemas; it marks organization's unsent
// events as sent), five services started from their main.ts (their consumers write the shared
// schemas) and the two that migrate every schema, whose grants would race another suite's
// ("tuple concurrently updated"). Then, alone and one at a time, the two that time how promptly
// a notification wakes a reader: what a subscription or the store's relay may read is bounded by
// the oldest transaction open anywhere on the server, so any writer beside them can hold their
// events back past their waits (organization's lane once failed all three wake-up tests; beside
// the suites above, a clean-clone run on 2026-12-05 failed the held-back append's). And last the
// outage suite, which stops the shared broker no other suite may see. With containers (one set per
// Jest run) everything stays one run, and lint and type-check follow it.
/** A Jest run whose output goes straight to ours, guarded like the tasks; resolves to its exit code. */
const live = (name, { args, out }) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    endIfHungAfterResults(child, name, out);
    child.on('close', (code) => resolve(code ?? 1));
  });
const escapeRe = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const OUTAGE = 'platform\\.kafka-outage\\.e2e\\.spec\\.ts$';
const LIBS_INT = `^${escapeRe(root)}/libs/.*\\.int\\.spec\\.ts$`;
const MESSAGING_INT = `^${escapeRe(root)}/libs/messaging/.*\\.int\\.spec\\.ts$`;
const ORGANIZATION = `^${escapeRe(root)}/services/organization/`;
/**
 * Lane three's services: each in schemas and groups no other suite uses. Every other service's suites
 * are lane two's, save publicity's that run with no Kafka consumer or relay at all (`decisions:
 * false`), each on a schema of its own: nothing of theirs is shared. Publicity's others read the
 * shared decision topics, where lane two's commendation apps publish decisions for the same demo
 * villages, and stay in lane two.
 */
const PUBLICITY_UNCONNECTED = [
  'attachment-listing.e2e',
  'attachment-removal.e2e',
  'exemplar-rename.int',
  'honour-roll-cache.int',
  'hostile-bodies.e2e',
  'hostile-edits.e2e',
];
const APART = `^${escapeRe(root)}/services/((assistance|reporting)/|publicity/test/(${PUBLICITY_UNCONNECTED.map(escapeRe).join('|')})\\.spec\\.ts$)`;
const ALONE = '/(two-counties\\.e2e|service-mains\\.e2e|migrate-side-by-side\\.int|read-only-role\\.int)\\.spec\\.ts$';
const WAKE_UPS = '/(subscription-wake-ups|relay-wake-ups)\\.int\\.spec\\.ts$';
/** What no lane runs: the suites alone and the wake-up suites, each in its own step after the lanes. */
const runAfterTheLanes = [ALONE, WAKE_UPS].map((p) => `--testPathIgnorePatterns=${p}`);
const real = { status: 0, passed: 0, failed: 0, total: 0 };
const checks = [];
const add = (r) => {
  real.status ||= r.status;
  real.passed += r.passed;
  real.failed += r.failed;
  real.total += r.total;
};
if (containers) {
  // The run below writes straight to our output: the unit run, held and printed whole, ends first.
  await unitTask;
  // The outage suite stops the broker with `infra.mjs down kafka`, which stops only a broker the
  // local path started, never a container: it needs the local path (README, "Docker").
  step('integration+e2e (without the broker-outage suite, which needs the local path)');
  const all = jestArgs('integration+e2e', ['--selectProjects', 'integration', 'e2e', '--runInBand', `--testPathIgnorePatterns=${OUTAGE}`]);
  add(result(await live('integration+e2e', all), all.out));
  for (const [name, cmd, args] of lintAndTypes()) checks.push(await task(name, cmd, args));
} else {
  // Migrated once here; the runs' global setups then only check that the parts answer.
  step('test database');
  const migrated = run(process.execPath, ['-r', '@swc-node/register', 'scripts/migrate.ts', '--database', 'test']);
  if (migrated !== 0) {
    await unitTask;
    process.exit(migrated);
  }
  process.env.VANGUARD_TEST_DATABASE_MIGRATED = '1';
  step(
    'integration+e2e: three lanes (organization’s; the services’ sharing schemas; assistance’s, reporting’s, publicity’s unconnected and the libraries’)',
  );
  const both = ['--selectProjects', 'integration', 'e2e', '--runInBand'];
  const organization = jestArgs('organization', [...both, ORGANIZATION, ...runAfterTheLanes, `--testPathIgnorePatterns=${OUTAGE}`]);
  const messaging = jestArgs('messaging', ['--selectProjects', 'integration', '--runInBand', MESSAGING_INT, ...runAfterTheLanes]);
  const libs = [1, 2].map((shard) =>
    jestArgs(`libraries-${shard}`, [
      '--selectProjects',
      'integration',
      '--runInBand',
      `--shard=${shard}/2`,
      LIBS_INT,
      `--testPathIgnorePatterns=${MESSAGING_INT}`,
      ...runAfterTheLanes,
    ]),
  );
  const services = jestArgs('integration+e2e', [
    ...both,
    `--testPathIgnorePatterns=${LIBS_INT}`,
    `--testPathIgnorePatterns=${ORGANIZATION}`,
    `--testPathIgnorePatterns=${APART}`,
    ...runAfterTheLanes,
    `--testPathIgnorePatterns=${OUTAGE}`,
  ]);
  const apart = jestArgs('assistance+reporting+publicity', [...both, APART, ...runAfterTheLanes, `--testPathIgnorePatterns=${OUTAGE}`]);
  /** Each of `runs` after the one before; their exit codes. */
  const inTurn = async (...runs) => {
    const codes = [];
    for (const run of runs) codes.push(await run());
    return codes;
  };
  const held =
    (name, { args, out }) =>
    () =>
      task(name, process.execPath, args, out).then((done) => done.code);
  const lanes = [
    inTurn(held('organization’s suites', organization)),
    inTurn(() => live('the other services’ suites', services)),
    inTurn(
      held('assistance’s, reporting’s and publicity’s unconnected suites', apart),
      held('the other libraries’ integration suites, first shard', libs[0]),
      held('the messaging library’s integration suites', messaging),
      held('the other libraries’ integration suites, second shard', libs[1]),
    ),
  ];
  // Lint and type-check wait for two lanes to end, then run side by side (each is one thread): begun
  // when the first lane ended, they took a third of the CPU from the two lanes still running and
  // were done before those, while the suites alone after the lanes left the CPU 60 % idle (a
  // clean-clone run on 2026-12-04: lanes until 1,254 s, lint and type-check done at 1,199, alone
  // until 1,402). Started later they run on into that idle time instead.
  const twoLanesEnded = new Promise((resolve) => {
    let ended = 0;
    const count = () => ++ended === 2 && resolve();
    for (const lane of lanes) void lane.then(count, count);
  });
  const checksDone = twoLanesEnded.then(async () => {
    checks.push(...(await Promise.all(lintAndTypes().map(([name, cmd, args]) => task(name, cmd, args)))));
  });
  const [[organizationCode], [servicesCode], [apartCode, libsOneCode, messagingCode, libsTwoCode]] = await Promise.all(lanes);
  add(result(organizationCode, organization.out));
  add(result(messagingCode, messaging.out));
  add(result(libsOneCode, libs[0].out));
  add(result(libsTwoCode, libs[1].out));
  add(result(servicesCode, services.out));
  add(result(apartCode, apart.out));
  await unitTask; // long done by now
  step('integration+e2e: the suites that reach every service’s schema, alone');
  const alone = jestArgs('alone', [...both, ALONE]);
  add(result(await live('the suites alone', alone), alone.out));
  step('integration: the wake-up suites, alone and one at a time');
  const wakeUps = jestArgs('wake-ups', ['--selectProjects', 'integration', '--runInBand', WAKE_UPS]);
  add(result(await live('the wake-up suites', wakeUps), wakeUps.out));
  step('integration+e2e: the broker outage, alone');
  const outage = jestArgs('outage', ['--selectProjects', 'e2e', '--runInBand', OUTAGE]);
  add(result(await live('the outage suite', outage), outage.out));
  await checksDone;
}

const unit = result((await unitTask).code, unitRun.out);
checks.push(documentedAnswers());

if (!containers && process.env.CI && !process.env.VANGUARD_KEEP_INFRA) {
  for (const c of ['keycloak', 'kafka', 'postgres']) if (wasRunning[c] === false) run(process.execPath, ['scripts/infra.mjs', 'down', c]);
}
for (const check of checks) if (check.code !== 0) failedCheck(check);
const checksFailed = checks.find((c) => c.code !== 0)?.code ?? 0;
const passed = unit.passed + real.passed;
const failed = unit.failed + real.failed;
console.log(`\nnpm test finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(checksFailed || unit.status || real.status || (passed === 0 ? 1 : 0));

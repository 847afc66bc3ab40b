// Shared by scripts/start.mjs and scripts/test.mjs: plain Node, no dependencies,
// because they run before dependencies may be installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function must(cmd, args, what, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) {
    process.stderr.write(`\n✗ ${what} failed (exit ${status})\n`);
    process.exit(status);
  }
}

/**
 * Installs when node_modules is missing or older than the lock file, or when patches/ changed
 * since node_modules was patched: a changed patch does not apply over the one before it, so the
 * packages it patches are removed first and npm installs them afresh (its postinstall,
 * scripts/apply-patches.mjs, then patches them). patches/README.md.
 */
export function ensureDependencies() {
  const stale = patchesApplied() !== patchesNow();
  if (stale) {
    // Gone until patched again: an install that fails half-way leaves them to the next run.
    fs.rmSync(PATCHES_APPLIED, { force: true });
    for (const name of patchedPackages()) fs.rmSync(path.join(root, 'node_modules', name), { recursive: true, force: true });
  }
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!stale && fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    process.stderr.write(`Node 20+ is required (this is ${process.version}).\n`);
    process.exit(1);
  }
  // Not `npm ci`: the registry reachable here serves only some platforms' optional
  // binaries (swc's, for one), so the lock cannot list the others and `npm ci` calls it
  // out of sync. `npm install` installs exactly the locked versions all the same.
  console.log('• installing dependencies (npm install from the lock file)…');
  must('npm', ['install', '--no-audit', '--no-fund', '--no-save'], 'npm install');
  if (patchesApplied() !== patchesNow()) {
    process.stderr.write('\n✗ npm install ran without applying patches/ (were scripts disabled?)\n');
    process.exit(1);
  }
}

const PATCHES = path.join(root, 'patches');
const PATCHES_APPLIED = path.join(root, 'node_modules', '.vanguard-patches');

function patchFiles() {
  return fs
    .readdirSync(PATCHES)
    .filter((f) => f.endsWith('.patch'))
    .sort();
}

/** The patches as they are now: each file's name and text. */
function patchesNow() {
  return patchFiles()
    .map((f) => `${f}\n${fs.readFileSync(path.join(PATCHES, f), 'utf8')}`)
    .join('\n');
}

/** The patches node_modules was last patched with, as scripts/apply-patches.mjs recorded them; undefined if none. */
function patchesApplied() {
  return fs.existsSync(PATCHES_APPLIED) ? fs.readFileSync(PATCHES_APPLIED, 'utf8') : undefined;
}

/** Recorded by npm's postinstall once patch-package applied every patch. */
export function recordPatchesApplied() {
  fs.writeFileSync(PATCHES_APPLIED, patchesNow());
}

/** The packages patches/ patches, from patch-package's file names: `name+1.2.3.patch`, `@scope+name+1.2.3.patch`. */
function patchedPackages() {
  return patchFiles().map((f) => f.replace(/\+[^+]*\.patch$/, '').replace('+', '/'));
}

export const TS = ['-r', '@swc-node/register'];

/**
 * Ends a Jest `child` still alive `graceMs` after it wrote its results file `out` (Jest writes it
 * last), and says so on stderr: such a run waits on something a test left running (a timer, a
 * loop, a connection) and would hold `npm test` for ever — a unit spec's setImmediate loop once
 * held a clean-clone run for half an hour. What the run started goes too (a service process a
 * suite spawned would otherwise live on, consuming beside the suites that run alone after). The
 * child then closes with no exit code (failed).
 */
export function endIfHungAfterResults(child, name, out, graceMs = 60_000) {
  let grace;
  const seen = setInterval(
    () => {
      if (!fs.existsSync(out)) return;
      clearInterval(seen);
      grace = setTimeout(() => {
        process.stderr.write(
          `\n✗ ${name}: Jest wrote its results but had not exited ${graceMs / 1000} s later — a test left a timer, loop or connection running; ended\n`,
        );
        for (const pid of [...descendantsOf(child.pid), child.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
      }, graceMs);
    },
    Math.min(1_000, graceMs),
  );
  child.on('close', () => {
    clearInterval(seen);
    clearTimeout(grace);
  });
}

/** Every process below `pid`, from `ps` (POSIX), each before its parent. */
function descendantsOf(pid) {
  const listed = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  if (listed.status !== 0) return [];
  const children = new Map();
  for (const line of listed.stdout.split('\n')) {
    const [p, parent] = line.trim().split(/\s+/).map(Number);
    if (!p || !parent) continue;
    children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  const found = [];
  const walk = (at) => {
    for (const c of children.get(at) ?? []) {
      walk(c);
      found.push(c);
    }
  };
  walk(pid);
  return found;
}

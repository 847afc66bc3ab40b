import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// npm test's guard against a Jest run that never exits after writing its results
// (scripts/lib.mjs, endIfHungAfterResults), driven as test.mjs drives it: a real child process
// that writes its results file and then keeps its event loop busy, as a test's leftover loop did
// (for 10 s at most, so a broken guard fails this test rather than leave a process spinning).
const lib = path.resolve(__dirname, '../../../scripts/lib.mjs');

interface Outcome {
  code: number | null;
  signal: string | null;
  stderr: string;
  /** A process the child started, when it wrote its pid beside its results. */
  grandchild?: number;
}

function guarded(childScript: string, graceMs: number): Promise<Outcome> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'end-if-hung-')), 'results.json');
  const parent = `
    const { spawn } = require('node:child_process');
    import(${JSON.stringify(lib)}).then(({ endIfHungAfterResults }) => {
      const child = spawn(process.execPath, ['-e', ${JSON.stringify(childScript)}, ${JSON.stringify(out)}], { stdio: 'ignore' });
      endIfHungAfterResults(child, 'a run', ${JSON.stringify(out)}, ${graceMs});
      child.on('close', (code, signal) => process.stdout.write(JSON.stringify({ code, signal })));
    });`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', () => {
      const pid = fs.existsSync(`${out}.pid`) ? Number(fs.readFileSync(`${out}.pid`, 'utf8')) : undefined;
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      try {
        resolve({ ...(JSON.parse(stdout) as { code: number | null; signal: string | null }), stderr, ...(pid ? { grandchild: pid } : {}) });
      } catch {
        reject(new Error(`no outcome from the parent: ${stdout} ${stderr}`));
      }
    });
  });
}

const writesResults = `require('node:fs').writeFileSync(process.argv[1], '{}');`;
/** As a suite's service process: started by the run, not detached, alive for 10 s. */
const startsAService = `const s = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { stdio: 'ignore' });
  require('node:fs').writeFileSync(process.argv[1] + '.pid', String(s.pid));`;

/** Whether `pid` runs (a zombie no longer does), from ps as the guard reads it. */
function running(pid: number): boolean {
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && !ps.stdout.trim().startsWith('Z');
}

describe('endIfHungAfterResults', () => {
  it('WhenTheRunKeepsGoingAfterItsResults_EndsItAndSaysWhy', async () => {
    const outcome = await guarded(
      `${startsAService} ${writesResults} const spin = () => setImmediate(spin); spin(); setTimeout(() => process.exit(9), 10_000);`,
      300,
    );

    expect(outcome).toEqual({
      code: null,
      signal: 'SIGKILL',
      stderr: expect.stringContaining('✗ a run: Jest wrote its results but had not exited 0.3 s later'),
      grandchild: expect.any(Number),
    });
    expect(running(outcome.grandchild!)).toBe(false);
  });

  it('WhenTheRunExitsAfterItsResults_LeavesItBe', async () => {
    const outcome = await guarded(`${writesResults} setTimeout(() => process.exit(3), 100);`, 2_000);

    expect(outcome).toEqual({ code: 3, signal: null, stderr: '' });
  });

  it('WhenNoResultsAreWritten_LeavesALongRunBe', async () => {
    const outcome = await guarded(`setTimeout(() => process.exit(0), 1_000);`, 200);

    expect(outcome).toEqual({ code: 0, signal: null, stderr: '' });
  });
});

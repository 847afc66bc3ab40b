import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EXIT, UsageError } from '../county-drafts';
import { runWitness, witnessCommand, witnessStateFile } from './run-witness';
import { auditStub } from './test/audit-stub';

const ROOT = path.resolve(__dirname, '../../../..');
const ENTRY_POINTS = {
  'witness-main.ts': [path.join(__dirname, 'witness-main.ts')],
  'npm run county -- witness': [path.join(__dirname, '../cli.ts'), 'witness'],
} as const;
type EntryPoint = keyof typeof ENTRY_POINTS;

describe('the witness through its two entry points', () => {
  let dir: string;
  // A client of its own: a state file another run left under the working directory is not this test's.
  let client: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'witness-entry-'));
    client = `county-test-${randomUUID().slice(0, 8)}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs one entry point as a process (no SIGINT handler of the test's); resolves with its exit code and output. */
  function witness(entry: EntryPoint, args: readonly string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', ...ENTRY_POINTS[entry], '--client', client, ...args],
        { cwd: ROOT, env: { ...process.env, COUNTY_STATE_DIR: dir, VANGUARD_WITNESS_KEY: '', VANGUARD_LOG_VKEY: '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
      );
    });
  }

  it('witness_OneForkThroughEachEntryPoint_BothUseOneStateFileAndTheSecondForkIsRefused', async () => {
    const audit = await auditStub([
      { fork: 'a', size: 6 },
      { fork: 'b', size: 6 },
    ]);
    try {
      const first = await witness('witness-main.ts', ['--audit', audit.url]);
      const second = await witness('npm run county -- witness', ['--audit', audit.url]);

      expect(first).toMatchObject({ code: EXIT.OK, out: expect.stringContaining('cosigned size 6') });
      expect(second).toMatchObject({ code: EXIT.REFUSED, out: expect.stringContaining('WITNESS.FORK') });
      expect(existsSync(witnessStateFile(path.join(dir, client), client, 'evaluation'))).toBe(true);
    } finally {
      await audit.close();
    }
  }, 60_000);

  it('witness_BothEntryPointsAtOnceShownTwoForks_TheLockLetsOneCosignAndTheOtherIsRefused', async () => {
    const audit = await auditStub([
      { fork: 'a', size: 6 },
      { fork: 'b', size: 6 },
    ]);
    try {
      const runs = await Promise.all([
        witness('witness-main.ts', ['--audit', audit.url]),
        witness('npm run county -- witness', ['--audit', audit.url]),
      ]);

      expect(runs.map((r) => r.code).sort()).toEqual([EXIT.OK, EXIT.REFUSED]);
    } finally {
      await audit.close();
    }
  }, 60_000);

  it.each(Object.keys(ENTRY_POINTS) as EntryPoint[])(
    'witness_ThroughEach_AnUnreachableAuditServiceIsAnErrorNotARefusal (%s)',
    async (entry) => {
      const run = await witness(entry, ['--audit', 'http://127.0.0.1:1']);

      expect(run).toMatchObject({
        code: EXIT.ERROR,
        out: expect.stringContaining('the audit service at http://127.0.0.1:1 cannot be reached'),
      });
    },
    30_000,
  );

  it.each(Object.keys(ENTRY_POINTS) as EntryPoint[])(
    'witness_ThroughEach_AMisspeltContextIsAUsageError (%s)',
    async (entry) => {
      const run = await witness(entry, ['--context', 'commendaton', '--audit', 'http://127.0.0.1:1']);

      expect(run).toMatchObject({
        code: EXIT.USAGE,
        out: expect.stringContaining('--context 须为 evaluation 或 commendation（收到 commendaton）'),
      });
    },
    30_000,
  );
});

describe(witnessCommand.name, () => {
  const ctx = { clientId: 'county-songling', stateDir: tmpdir(), out: () => undefined, signal: new AbortController().signal };

  it.each([[['--every', '0.5']], [['--every', 'abc']], [['--evry', '30']], [['--context', 'commendaton']], [['stray']]])(
    'witnessCommand_%j_IsAUsageError',
    async (args) => {
      await expect(witnessCommand(args, ctx, { VANGUARD_AUDIT_URL: 'http://127.0.0.1:1' })).rejects.toThrow(UsageError);
    },
  );
});

describe('the witness state file at the old witness-main default', () => {
  let dir: string;
  const cwd = process.cwd();
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'witness-legacy-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('witnessCommand_AFileLeftAtTheOldDefault_StopsNamingItAndTheNewPathRatherThanTrustAfresh', async () => {
    const legacy = path.join(dir, '.vanguard/county/witness/county-songling-evaluation.json');
    mkdirSync(path.dirname(legacy), { recursive: true });
    writeFileSync(legacy, '{}');
    const ctx = {
      clientId: 'county-songling',
      stateDir: path.join(dir, 'state'),
      out: () => undefined,
      signal: new AbortController().signal,
    };

    await expect(witnessCommand([], ctx, { VANGUARD_AUDIT_URL: 'http://127.0.0.1:1' })).rejects.toThrow(
      `move ${legacy} to ${path.join(dir, 'state/witness/county-songling-evaluation.json')}`,
    );
  });
});

describe(runWitness.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'witness-daemon-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runWitness_EveryRoundAfterAnOutageThenAFork_PrintsTheErrorCarriesOnThenStopsOnTheFork', async () => {
    const audit = await auditStub(['unavailable', { fork: 'a', size: 6 }, 'unavailable', { fork: 'b', size: 6 }]);
    const stop = new AbortController();
    const lines: string[] = [];
    // Only a hang is cut short: the daemon must end by itself on the fork.
    const hang = setTimeout(() => stop.abort(), 20_000);
    try {
      const answer = await runWitness({
        client: 'county-songling',
        auditUrl: audit.url,
        stateFile: path.join(dir, 'state.json'),
        intervalMs: 10,
        signal: stop.signal,
        env: {},
        print: (l) => lines.push(l),
      });

      expect(answer).toMatchObject({ outcome: 'refused', code: 'WITNESS.FORK' });
      expect(stop.signal.aborted).toBe(false);
      expect(lines.map((l) => /出错 error|已联署 cosigned|refused WITNESS\.FORK/.exec(l)?.[0])).toEqual([
        '出错 error',
        '已联署 cosigned',
        '出错 error',
        'refused WITNESS.FORK',
      ]);
    } finally {
      clearTimeout(hang);
      await audit.close();
    }
  });
});

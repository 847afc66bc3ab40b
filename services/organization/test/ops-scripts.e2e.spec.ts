import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '@vanguard/infra-config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the script's own argument reading, as `npm run rebuild` calls it
import { rebuildArgs } from '../../../scripts/rebuild';

const root = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

/**
 * Runs an operational script as npm does. Its databases point at a port nothing listens on:
 * a script that got past its refusal would fail to connect, never touch a real database.
 */
async function script(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  const nowhere = 'postgres://postgres:postgres@127.0.0.1:9';
  return run(process.execPath, ['-r', '@swc-node/register', `scripts/${file}`, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `${nowhere}/nowhere`, TEST_DATABASE_URL: `${nowhere}/nowhere_test`, ...env },
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

describe('operational scripts', () => {
  it.each<[string, string[]]>([
    ['migrate.ts', ['--database=tset']],
    ['seed.ts', ['--database', 'tset']],
    ['rebuild.ts', ['reporting', '--database=vanguard_test']],
    ['keys-reapply-forgets.ts', ['ledger.jsonl', '--database', 'tset']],
    ['organization-republish-state.ts', ['--database=tset']],
  ])('%s refuses a --database that is neither platform nor test with status 2', async (file, args) => {
    const r = await script(file, args);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--database must be platform or test/);
  });

  it('organization-republish-state refuses an argument it does not know with status 2, before it connects', async () => {
    const r = await script('organization-republish-state.ts', ['--databse', 'test']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unexpected argument\(s\) --databse test/);
  });

  // A rebuild swaps live tables: a mistyped or unknown argument must not start one (each would, before).
  it('rebuild refuses an option it does not take with status 2, before it connects', async () => {
    const r = await script('rebuild.ts', ['reporting', '--help']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unexpected option\(s\) --help/);
  });

  // The same refusal read in process: each case launched as a script cost the suite seconds.
  it.each<[string[], RegExp]>([
    [['reporting', 'rpt_fact'], /reporting rebuilds all its projections together and takes no names, got rpt_fact/],
    [['reportng'], /name the service whose projections to rebuild: reporting, evaluation, commendation/],
    [['evaluation', 'no_such_projection'], /unknown projection\(s\) no_such_projection; known: /],
    [['evaluation', '--dry-run'], /unexpected option\(s\) --dry-run/],
  ])('rebuild takes %j for a usage error', (args, message) => {
    expect(() => rebuildArgs(args)).toThrow(UsageError);
    expect(() => rebuildArgs(args)).toThrow(message);
  });

  it('rebuild takes a service, its projection names and the database', () => {
    expect(rebuildArgs(['commendation', '--database=test'])).toEqual({ service: 'commendation', names: [], database: 'test' });
    expect(rebuildArgs(['reporting'])).toEqual({ service: 'reporting', names: [], database: 'platform' });
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['VANGUARD_ENV', { VANGUARD_ENV: 'production' }],
    ['NODE_ENV', { NODE_ENV: 'production' }],
  ])('seed refuses when %s says production, before it connects', async (_, env) => {
    const r = await script('seed.ts', ['--size', 'county'], env);

    expect(r.code).toBe(78);
    expect(r.stderr).toContain('seed writes demo data and refuses in production mode');
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// npm start's and npm test's promise about patches/ (scripts/lib.mjs ensureDependencies,
// patches/README.md): node_modules is patched with the patches as they are now — a changed patch
// is applied afresh, a patch that no longer applies fails the run, and an install that ran
// without the postinstall is refused. Driven in a scratch project that holds the repository's
// own two scripts, real npm and real patch-package, and one package of its own to patch.
const scripts = path.resolve(__dirname, '../../../scripts');
const patchPackageVersion = (JSON.parse(fs.readFileSync(require.resolve('patch-package/package.json'), 'utf8')) as { version: string })
  .version;

/** A patch-package patch turning the package's one line from `from` into `to`. */
const patch = (from: string, to: string) =>
  [
    'diff --git a/node_modules/tiny/index.js b/node_modules/tiny/index.js',
    'index 0000000..1111111 100644',
    '--- a/node_modules/tiny/index.js',
    '+++ b/node_modules/tiny/index.js',
    '@@ -1 +1 @@',
    `-module.exports = '${from}';`,
    `+module.exports = '${to}';`,
    '',
  ].join('\n');

interface Run {
  readonly status: number | null;
  readonly output: string;
}

describe('ensureDependencies and patches/', () => {
  let dir: string;
  const project = () => path.join(dir, 'project');
  const patchFile = () => path.join(project(), 'patches', 'tiny+1.0.0.patch');
  const installed = () => path.join(project(), 'node_modules', 'tiny', 'index.js');
  const record = () => path.join(project(), 'node_modules', '.vanguard-patches');
  /**
   * npm from the cache the repository's own install filled, the registry only for what it lacks;
   * as a developer's machine runs it: patch-package fails on its own under CI or NODE_ENV=test
   * (Jest's), and the failure `--error-on-fail` must give is the one elsewhere. The npm settings
   * `npm test` passes its children are left out too, but for the cache.
   */
  const outside = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && (!k.toLowerCase().startsWith('npm_') || k === 'npm_config_cache')),
  );
  const npmEnv = { ...outside, CI: 'false', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

  const ensure = (env: NodeJS.ProcessEnv = {}): Run => {
    const r = spawnSync(process.execPath, ['-e', "import('./scripts/lib.mjs').then((m) => m.ensureDependencies())"], {
      cwd: project(),
      env: { ...npmEnv, ...env },
      encoding: 'utf8',
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  const tiny = () => fs.readFileSync(installed(), 'utf8').trim();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patches-applied-'));
    const pkg = path.join(dir, 'tiny');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tiny', version: '1.0.0', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), "module.exports = 'original';\n");
    expect(spawnSync('npm', ['pack', '--silent'], { cwd: pkg, env: npmEnv }).status).toBe(0);
    fs.mkdirSync(path.join(project(), 'scripts'), { recursive: true });
    fs.mkdirSync(path.join(project(), 'patches'));
    for (const f of ['lib.mjs', 'apply-patches.mjs']) fs.copyFileSync(path.join(scripts, f), path.join(project(), 'scripts', f));
    const manifest = {
      name: 'scratch',
      version: '0.0.0',
      private: true,
      scripts: { postinstall: 'node scripts/apply-patches.mjs' },
      dependencies: { tiny: 'file:../tiny/tiny-1.0.0.tgz', 'patch-package': patchPackageVersion },
    };
    fs.writeFileSync(path.join(project(), 'package.json'), JSON.stringify(manifest, null, 2));
    const lock = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts'], {
      cwd: project(),
      env: npmEnv,
      encoding: 'utf8',
    });
    expect({ status: lock.status, stderr: lock.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Patches_AFreshInstall_AndInstallsNothingMoreWhileNothingChanged', () => {
    fs.writeFileSync(patchFile(), patch('original', 'patched once'));
    const first = ensure();
    expect(first).toEqual({ status: 0, output: expect.stringContaining('installing dependencies') });
    expect(tiny()).toBe("module.exports = 'patched once';");
    expect(fs.readFileSync(record(), 'utf8')).toContain(patch('original', 'patched once'));

    const untouched = fs.statSync(installed()).mtimeMs;
    const again = ensure();
    expect(again.status).toBe(0);
    expect(again.output).not.toContain('installing dependencies');
    expect(fs.statSync(installed()).mtimeMs).toBe(untouched);
  }, 120_000);

  it('AppliesAChangedPatchToAFreshCopy_NotOverTheOldOne', () => {
    fs.writeFileSync(patchFile(), patch('original', 'patched once'));
    expect(ensure().status).toBe(0);
    fs.writeFileSync(patchFile(), patch('original', 'patched twice'));
    const r = ensure();
    expect(r.status).toBe(0);
    expect(tiny()).toBe("module.exports = 'patched twice';");
    expect(fs.readFileSync(record(), 'utf8')).toContain('patched twice');
  }, 120_000);

  it('FailsWhenAPatchNoLongerApplies_RecordsNothing_AndPatchesOnTheNextRunOnceFixed', () => {
    fs.writeFileSync(patchFile(), patch('what the package no longer says', 'patched'));
    const failed = ensure();
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain('patch-package failed');
    expect(fs.existsSync(record())).toBe(false);

    fs.writeFileSync(patchFile(), patch('original', 'patched again'));
    const fixed = ensure();
    expect(fixed.status).toBe(0);
    expect(tiny()).toBe("module.exports = 'patched again';");
  }, 120_000);

  it('ReinstallsAndPatchesWhenTheRecordIsMissing_ThoughThePackageIsPatchedAlready', () => {
    fs.writeFileSync(patchFile(), patch('original', 'patched once'));
    expect(ensure().status).toBe(0);
    fs.rmSync(record());
    const r = ensure();
    expect(r).toEqual({ status: 0, output: expect.stringContaining('installing dependencies') });
    expect(tiny()).toBe("module.exports = 'patched once';");
    expect(fs.existsSync(record())).toBe(true);
  }, 120_000);

  it('RefusesAnInstallThatRanWithoutItsPostinstall', () => {
    fs.writeFileSync(patchFile(), patch('original', 'patched once'));
    expect(ensure().status).toBe(0);
    fs.writeFileSync(patchFile(), patch('original', 'patched without scripts'));
    const r = ensure({ npm_config_ignore_scripts: 'true' });
    expect(r.status).toBe(1);
    expect(r.output).toContain('npm install ran without applying patches/');
    expect(fs.existsSync(record())).toBe(false);
  }, 120_000);
});

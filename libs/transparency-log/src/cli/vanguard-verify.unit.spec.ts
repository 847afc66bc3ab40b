import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixture, operatorSigner, writeBundle, writeLogBundle } from '../../test/bundle-fixture';
import { main } from './vanguard-verify';

const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
  return { code, out, err };
};

describe('vanguard-verify', () => {
  let dir: string;
  let good: string;
  let bad: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vanguard-verify-'));
    const tgz = await writeBundle(fixture());
    good = join(dir, 'good.tgz');
    writeFileSync(good, tgz);
    const flipped = Buffer.from(tgz);
    flipped[flipped.length - 4]! ^= 0x10; // the length in the gzip trailer
    bad = join(dir, 'bad.tgz');
    writeFileSync(bad, flipped);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('main_WithAGoodBundleAndThePinnedKey_SaysWhatItProvedAndExits0', async () => {
    const r = await run([good, '--key', operatorSigner().verifier.vkey]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK vanguard\.example\/evaluation: checkpoint of 6 events/);
    expect(r.out).toContain('(pinned)');
    expect(r.out).toContain('stream pledge-a: all 3 events');
    expect(r.out).toContain('stream pledge-z: no events as of the checkpoint');
    expect(r.out).toContain('earlier checkpoint of 4 events');
  });

  it('main_WithAWholeLogBundle_SaysTheRootAndEveryStreamWereRecomputed', async () => {
    const file = join(dir, 'log.tgz');
    writeFileSync(file, await writeLogBundle(fixture()));
    const r = await run([file, '--key', operatorSigner().verifier.vkey]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("the whole log: all 6 events of 3 streams; the root and every stream's chain head recomputed from them");
    const json = await run([file, '--key', operatorSigner().verifier.vkey, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, events: 6, wholeLog: { streams: 3 } });
  });

  it('main_WithoutAPinnedKey_WarnsThatItProvesOnlySelfConsistency', async () => {
    const r = await run([good]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('NOT pinned');
  });

  it('main_WithAChangedByte_PrintsTheCodeAndExits1', async () => {
    const r = await run([bad, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ ok: false, code: 'GZIP_DATA', message: expect.stringContaining('length') });
  });

  it('main_WithACheckpointTheAuditorHolds_ProvesItAPrefixOrNamesItsSize', async () => {
    const kept = join(dir, 'kept.note');
    writeFileSync(kept, fixture().first.text);
    const r = await run([good, '--key', operatorSigner().verifier.vkey, '--since', kept]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('the checkpoint you hold of 4 events');
    // The one an auditor kept before the store was rewritten and re-signed by the log.
    const before = fixture(operatorSigner(), (s, v, t) => (s === 'pledge-a' && v === 2 ? t.replace('"score":91', '"score":99') : t));
    writeFileSync(kept, before.first.text);
    const failed = await run([good, '--key', operatorSigner().verifier.vkey, '--since', kept, '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.out)).toEqual({ ok: false, code: 'CONSISTENCY_INVALID', entry: kept, size: 4, message: expect.any(String) });
    expect((await run([good, '--since'])).code).toBe(2);
  });

  it('main_WithoutABundleOrWithAnUnknownFlag_Exits2WithUsage', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run([good, '--frobnicate'])).err).toContain('usage: vanguard-verify');
    expect((await run([join(dir, 'missing.tgz')])).code).toBe(2);
  });

  it('npxVanguardVerify_FromTheRepository_RunsTheBinOffline', async () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const { stdout } = await promisify(execFile)('npx', ['--offline', 'vanguard-verify', good, '--key', operatorSigner().verifier.vkey], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/^OK vanguard\.example\/evaluation/);
    const failed = await promisify(execFile)('npx', ['--offline', 'vanguard-verify', bad], { cwd: root, encoding: 'utf8' }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringMatching(/^FAIL GZIP_DATA /) });
  }, 120_000);
});

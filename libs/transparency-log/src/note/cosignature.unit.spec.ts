import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CosignatureSigner, CosignatureVerifier, cosignatureMessage, parseCosignatureLine, verifiedCosignatures } from './cosignature';
import { NoteSigner, signNote } from './signed-note';
import {
  developmentWitnessSigner,
  generateWitnessKey,
  WITNESS_KEY_VARIABLE,
  WITNESS_KEYS_VARIABLE,
  WITNESS_QUORUM_VARIABLE,
  witnessKeyProblems,
  witnessPolicyFromEnv,
} from './witness-keys';

// c2sp.org/tlog-cosignature, its example checkpoint and cosignature line.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_LINE =
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
// transparency-dev/formats note/note_cosigv1_test.go: a native cosignature/v1 vkey and a cosignature's timestamp.
const GO_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const GO_SIGNATURE = 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';

const SEED = Buffer.alloc(32, 7);

describe('C2SP tlog-cosignature v1 (Ed25519)', () => {
  it('parseCosignatureLine_OfTheSpecExample_ReadsItsKeyIdAndTheTimeOfTheSpecMessage', () => {
    const sut = parseCosignatureLine(SPEC_LINE);
    expect(sut?.name).toBe('witness.example.com/w1');
    expect(sut?.keyId.toString(16)).toBe('8d66cf3f');
    expect(sut?.time).toBe(1679315147); // the spec's message reads "time 1679315147"
    expect(cosignatureMessage(SPEC_BODY, 1679315147).toString()).toBe(`cosignature/v1\ntime 1679315147\n${SPEC_BODY}`);
  });

  it('parseCosignatureLine_OfTheGoVector_ReadsItsTimestamp', () => {
    expect(parseCosignatureLine(`— remora.n621.de ${GO_SIGNATURE}`)?.time).toBe(1727964367);
    // A log signature (key id ‖ 64 bytes) is no cosignature.
    expect(
      parseCosignatureLine('— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM='),
    ).toBeUndefined();
  });

  it('CosignatureVerifier_ParsesTheGoNativeVkey_WithTheKeyIdOfAlgorithm0x04', () => {
    const sut = CosignatureVerifier.parse(GO_VKEY);
    expect(sut.keyId.toString(16)).toBe('da77ade7');
    expect(sut.vkey).toBe(GO_VKEY);
    // The same key as a log (0x01) key is refused: the algorithm byte separates the roles.
    expect(() => CosignatureVerifier.parse(GO_VKEY.replace('+BOvN', '+AevN'))).toThrow(/0x04/);
  });

  it('cosign_IsByteForByteWhatOpensslSignsOverTheSpecMessage', () => {
    // An independent implementation: the message built by printf, signed by openssl's Ed25519.
    const sut = new CosignatureSigner('witness.example.com/w1', SEED);
    const line = sut.cosign(SPEC_BODY, 1679315147);
    const dir = mkdtempSync(path.join(tmpdir(), 'cosig-'));
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]).toString('base64');
    writeFileSync(path.join(dir, 'k.pem'), `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`);
    const script = `printf 'cosignature/v1\\ntime 1679315147\\nexample.com/behind-the-sofa\\n20852163\\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\\n' > m && openssl pkeyutl -sign -rawin -inkey k.pem -in m | base64 -w0`;
    const openssl = Buffer.from(execFileSync('bash', ['-c', script], { cwd: dir }).toString(), 'base64');
    expect(parseCosignatureLine(line)?.signature.equals(openssl)).toBe(true);
    expect(line.startsWith('— witness.example.com/w1 ')).toBe(true);
  });

  it('verifyLine_WhenBodyTimeOrSignatureChanges_Refuses', () => {
    const signer = new CosignatureSigner('w.example/1', SEED);
    const line = signer.cosign(SPEC_BODY, 1700000000);
    expect(signer.verifier.verifyLine(SPEC_BODY, line)).toEqual({ time: 1700000000 });
    expect(signer.verifier.verifyLine(SPEC_BODY.replace('20852163', '20852164'), line)).toBeUndefined();
    const raw = Buffer.from(line.slice('— w.example/1 '.length, -1), 'base64');
    raw[11]! ^= 1; // the time
    expect(signer.verifier.verifyLine(SPEC_BODY, `— w.example/1 ${raw.toString('base64')}`)).toBeUndefined();
    raw[11]! ^= 1;
    raw[40]! ^= 1; // the signature
    expect(signer.verifier.verifyLine(SPEC_BODY, `— w.example/1 ${raw.toString('base64')}`)).toBeUndefined();
    // The same seed as a log key signs something else: never taken for a cosignature.
    const asLog = signNote(SPEC_BODY, new NoteSigner('w.example/1', SEED));
    expect(verifiedCosignatures(asLog, [signer.verifier])).toEqual([]);
  });

  it('verifiedCosignatures_CountsEachWitnessOnceAndIgnoresOthers', () => {
    const log = new NoteSigner('example.com/log', Buffer.alloc(32, 1));
    const [a, b] = [new CosignatureSigner('w/a', Buffer.alloc(32, 2)), new CosignatureSigner('w/b', Buffer.alloc(32, 3))];
    const note = signNote(SPEC_BODY, log) + a.cosign(SPEC_BODY, 1) + a.cosign(SPEC_BODY, 2) + b.cosign(SPEC_BODY, 3);
    expect(verifiedCosignatures(note, [a.verifier]).map((c) => c.time)).toEqual([1]);
    expect(verifiedCosignatures(note, [a.verifier, b.verifier])).toHaveLength(2);
  });

  it('verifiedCosignatures_ChecksOneLineOfEachNameAndKeyId_AndAtMostAHundredLines', () => {
    const log = new NoteSigner('example.com/log', Buffer.alloc(32, 1));
    const a = new CosignatureSigner('w/a', Buffer.alloc(32, 2));
    const valid = a.cosign(SPEC_BODY, 5);
    const raw = Buffer.from(valid.slice('— w/a '.length, -1), 'base64');
    raw[40]! ^= 1;
    const forged = `— w/a ${raw.toString('base64')}\n`;
    let checks = 0;
    const counting = Object.assign(Object.create(a.verifier) as CosignatureVerifier, {
      verifyLine: (body: string, line: string) => (checks++, a.verifier.verifyLine(body, line)),
    });
    // A probe padded a note with forged lines under one witness's name: each cost an Ed25519 check.
    const padded = signNote(SPEC_BODY, log) + forged.repeat(60) + valid;
    expect(verifiedCosignatures(padded, [counting])).toEqual([]);
    expect(checks).toBe(1); // the first of w/a's lines: the rest repeat its name and key id, and the log's line is no cosignature
    expect(() => verifiedCosignatures(signNote(SPEC_BODY, log) + forged.repeat(100), [a.verifier])).toThrow(/at most 100 signatures/);
    expect(verifiedCosignatures(signNote(SPEC_BODY, log) + valid + forged, [a.verifier]).map((c) => c.time)).toEqual([5]);
  });

  it('keys_RoundTripAndTheDevelopmentOnesAreRefusedInProduction', () => {
    const { skey, vkey } = generateWitnessKey('witness.example/county');
    expect(CosignatureSigner.parse(skey).verifier.vkey).toBe(vkey);
    const dev = developmentWitnessSigner('county-songling');
    expect(witnessKeyProblems({}, 'audit')).toEqual([expect.stringMatching(/VANGUARD_WITNESS_KEYS is not set/)]);
    expect(witnessKeyProblems({ [WITNESS_KEYS_VARIABLE]: `${vkey} ${dev.verifier.vkey}` }, 'audit')).toEqual([
      expect.stringMatching(/development witness keys \(witness.vanguard.localhost\/county-songling\)/),
    ]);
    expect(witnessKeyProblems({ [WITNESS_KEYS_VARIABLE]: vkey }, 'audit')).toEqual([]);
    expect(witnessKeyProblems({ [WITNESS_KEY_VARIABLE]: dev.skey }, 'county-witness')).toEqual([expect.stringMatching(/development/)]);
    expect(witnessKeyProblems({ [WITNESS_KEY_VARIABLE]: skey }, 'county-witness')).toEqual([]);
  });

  it('witnessPolicyFromEnv_DefaultsToTwoOfTheThreeDevelopmentWitnessesAndChecksTheQuorum', () => {
    expect(witnessPolicyFromEnv({})).toMatchObject({ quorum: 2, witnesses: [{}, {}, {}] });
    const keys = [1, 2, 3].map((i) => generateWitnessKey(`w/${i}`).vkey).join(',');
    expect(witnessPolicyFromEnv({ [WITNESS_KEYS_VARIABLE]: keys }).quorum).toBe(2);
    expect(() => witnessPolicyFromEnv({ [WITNESS_KEYS_VARIABLE]: keys, [WITNESS_QUORUM_VARIABLE]: '4' })).toThrow(/between 1 and the 3/);
  });

  it('witnessPolicyFromEnv_OnePublicKeyUnderTwoNames_RefusesToStartNamingBoth', () => {
    const seed = Buffer.alloc(32, 5);
    const keys = [
      new CosignatureSigner('witness.example/county-a', seed),
      new CosignatureSigner('witness.example/county-b', Buffer.alloc(32, 6)),
      new CosignatureSigner('witness.example/county-a-backup', seed),
    ].map((k) => k.verifier.vkey);
    expect(() => witnessPolicyFromEnv({ [WITNESS_KEYS_VARIABLE]: keys.join(' '), [WITNESS_QUORUM_VARIABLE]: '2' })).toThrow(
      'VANGUARD_WITNESS_KEYS lists one public key under two names, witness.example/county-a and witness.example/county-a-backup',
    );
  });
});

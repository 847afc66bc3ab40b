import { formatCheckpointBody, openCheckpoint, parseCheckpointBody, signCheckpoint } from './checkpoint';
import { NoteError, NoteSigner, NoteVerifier, noteKeyId, openNote, signNote } from './signed-note';

// golang.org/x/mod/sumdb/note/note_test.go
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof NoteError ? e.reason : (e as Error).name;
  }
};

describe('C2SP signed note', () => {
  it('keys_FromTheGoReferenceVectors_RoundTripWithTheirKeyIds', () => {
    const signer = NoteSigner.parse(PETER_SKEY);
    expect(signer.skey).toBe(PETER_SKEY);
    expect(signer.verifier.vkey).toBe(PETER_VKEY);
    expect(NoteVerifier.parse(PETER_VKEY).keyId).toBe(0xc74f20a3);
    expect(noteKeyId('PeterNeumann', NoteVerifier.parse(PETER_VKEY).publicKey)).toBe(0xc74f20a3);
  });

  it('signNote_WithTheGoReferenceKey_IsByteForByteTheGoReferenceNote', () => {
    // Ed25519 is deterministic, so the signature must be the reference one exactly.
    expect(signNote(TEXT, NoteSigner.parse(PETER_SKEY))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('openNote_WithOneKnownAndOneUnknownSignature_VerifiesOneAndListsTheOther', () => {
    const sut = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [NoteVerifier.parse(PETER_VKEY)]);
    expect(sut.text).toBe(TEXT);
    expect(sut.verified).toEqual([{ name: 'PeterNeumann', keyId: 0xc74f20a3 }]);
    expect(sut.unverified).toEqual([{ name: 'EnochRoot', keyId: 0xaf0cfe78 }]);
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [NoteVerifier.parse(ENOCH_VKEY)]).verified).toHaveLength(1);
  });

  it('openNote_WhenAnyByteOfTextOrSignatureChanges_Refuses', () => {
    const note = `${TEXT}\n${PETER_SIG}`;
    const verifier = NoteVerifier.parse(PETER_VKEY);
    const bytes = Buffer.from(note, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 0x01;
      expect({ i, result: code(() => openNote(copy.toString('utf8'), [verifier])) }).not.toEqual({ i, result: undefined });
    }
  });

  it('verifierKeys_WhenMangled_AreRefusedLikeGosNewVerifier', () => {
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const mangled = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect({ mangled, reason: code(() => NoteVerifier.parse(mangled)) }).toEqual({ mangled, reason: 'bad-key' });
    }
    expect(code(() => NoteVerifier.parse('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='))).toBe('bad-key');
    expect(code(() => NoteVerifier.parse('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))).toBe('bad-key');
    expect(code(() => NoteSigner.parse(PETER_SKEY.replace('PRIVATE', 'PUBLIC')))).toBe('bad-key');
  });

  it('openNote_WithARepeatedSignatureLine_ReadsItOnce', () => {
    const sut = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}${PETER_SIG}${ENOCH_SIG}${PETER_SIG}`, [NoteVerifier.parse(PETER_VKEY)]);
    expect(sut.verified).toEqual([{ name: 'PeterNeumann', keyId: 0xc74f20a3 }]);
    expect(sut.unverified).toEqual([{ name: 'EnochRoot', keyId: 0xaf0cfe78 }]);
  });

  it('openNote_WithMoreThanAHundredSignatureLines_IsMalformedLikeGosNoteOpen', () => {
    const verifier = NoteVerifier.parse(PETER_VKEY);
    expect(code(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG.repeat(99)}`, [verifier]))).toBeUndefined();
    expect(code(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG.repeat(100)}`, [verifier]))).toBe('malformed');
  });

  it('openNote_ByNoKnownKeyOrWithABadSignature_SaysWhich', () => {
    const other = new NoteSigner('PeterNeumann', Buffer.alloc(32, 9)).verifier;
    expect(code(() => openNote(`${TEXT}\n${PETER_SIG}`, [other]))).toBe('no-known-signature');
    const forged = PETER_SIG.replace('x08go/ZJ', 'x08go/ZK');
    expect(code(() => openNote(`${TEXT}\n${forged}`, [NoteVerifier.parse(PETER_VKEY)]))).toBe('bad-signature');
    expect(code(() => openNote(`${TEXT}${PETER_SIG}`, [NoteVerifier.parse(PETER_VKEY)]))).toBe('malformed');
    expect(code(() => signNote('no final newline', NoteSigner.parse(PETER_SKEY)))).toBe('malformed');
  });
});

describe('C2SP tlog-checkpoint', () => {
  const root = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

  it('parse_TheSpecsExample_ReadsOriginSizeAndRoot', () => {
    expect(parseCheckpointBody('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n')).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      root,
    });
  });

  it('format_WithTheStreamCommitment_RoundTripsThroughParse', () => {
    const body = { origin: 'vanguard.example/evaluation', size: 7, root, streams: { count: 3, root }, extensions: ['other ext'] };
    const text = formatCheckpointBody(body);
    expect(text).toBe(
      `vanguard.example/evaluation\n7\n${root.toString('base64')}\nvanguard-streams/v1 3 ${root.toString('base64')}\nother ext\n`,
    );
    expect(parseCheckpointBody(text)).toEqual(body);
  });

  it.each([
    ['leading zero', 'o\n07\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['negative size', 'o\n-7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['non-canonical base64 (unused bits set)', 'o\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n'],
    ['short root', 'o\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n'],
    ['empty extension line', 'o\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n'],
    ['empty origin', '\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['missing final newline', 'o\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='],
    [
      'two stream lines',
      `o\n7\n${root.toString('base64')}\nvanguard-streams/v1 1 ${root.toString('base64')}\nvanguard-streams/v1 1 ${root.toString('base64')}\n`,
    ],
  ])('parse_%s_Refuses', (_what, text) => {
    expect(code(() => parseCheckpointBody(text))).toBe('CheckpointError');
  });

  it('openCheckpoint_SignedByTheLogForAnotherOrigin_Refuses', () => {
    const signer = new NoteSigner('vanguard.example/evaluation', Buffer.alloc(32, 3));
    const signed = signCheckpoint({ origin: 'vanguard.example/evaluation', size: 1, root }, signer);
    expect(openCheckpoint(signed, [signer.verifier], 'vanguard.example/evaluation').body.size).toBe(1);
    expect(code(() => openCheckpoint(signed, [signer.verifier], 'vanguard.example/commendation'))).toBe('CheckpointError');
  });
});

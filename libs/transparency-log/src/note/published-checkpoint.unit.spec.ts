import { signCheckpoint } from './checkpoint';
import { openPublishedCheckpoint } from './published-checkpoint';
import { NoteError, NoteSigner } from './signed-note';

const ORIGIN = 'vanguard.example/evaluation';
const log = new NoteSigner(ORIGIN, Buffer.alloc(32, 3));
const root = Buffer.alloc(32, 9);
const note = signCheckpoint({ origin: ORIGIN, size: 12, root }, log);
const published = { origin: ORIGIN, treeSize: 12, rootHash: root.toString('base64'), note };

describe('openPublishedCheckpoint', () => {
  const sut = openPublishedCheckpoint;

  it('opensTheNote_WhenItsSignatureAndFieldsAgree', () => {
    expect(sut(published, [log.verifier]).body).toMatchObject({ origin: ORIGIN, size: 12 });
  });

  it('refusesATamperedNote', () => {
    const tampered = note.replace('\n12\n', '\n13\n');
    expect(() => sut({ ...published, treeSize: 13, note: tampered }, [log.verifier])).toThrow(NoteError);
  });

  it('refusesANoteSignedByAKeyNotPinned', () => {
    const other = new NoteSigner(ORIGIN, Buffer.alloc(32, 4));
    expect(() => sut({ ...published, note: signCheckpoint({ origin: ORIGIN, size: 12, root }, other) }, [log.verifier])).toThrow(NoteError);
  });

  it('refusesFieldsThatSayOtherThanTheNote', () => {
    expect(() => sut({ ...published, treeSize: 11 }, [log.verifier])).toThrow(/tree size 11, the signed note 12/);
    expect(() => sut({ ...published, rootHash: Buffer.alloc(32, 1).toString('base64') }, [log.verifier])).toThrow(/root/);
    expect(() => sut({ ...published, origin: 'vanguard.example/commendation' }, [log.verifier])).toThrow(/of log/);
  });
});

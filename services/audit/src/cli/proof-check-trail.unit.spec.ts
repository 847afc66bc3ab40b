import { TransparencyLog, developmentLogSigner, formatTrailLine, signNote } from '@vanguard/transparency-log';
import {
  checkConsistency,
  checkEvents,
  checkWholeStream,
  openCheckpoint,
  pinKey,
  ProofFailure,
  trailCheckpoint,
  type ProvedEvent,
} from './proof-check';

/**
 * ADR 0077: the CLI's own verifier reads the `vanguard-trail/v1` line the lib writes into a
 * store's checkpoint, and checks trail entries against it exactly as it checks events.
 */
const ORIGIN = 'vanguard.example/evaluation';
const signer = developmentLogSigner(ORIGIN);
const key = pinKey(signer.verifier.vkey);
const entry = (stream: string, version: number, n: number) =>
  JSON.stringify({ streamId: stream, streamVersion: version, data: { query: 'timeline', n } });

const store = new TransparencyLog(ORIGIN);
store.append({ text: entry('pledge-a', 1, 0), stream: 'pledge-a', version: 1 });
const trail = new TransparencyLog('vanguard.example/audit-trail');
const texts: string[] = [];
const query = (sub: string) => {
  const stream = `auditor-${sub}`;
  const text = entry(stream, trail.streamLeaves(stream).length + 1, trail.size);
  texts.push(text);
  trail.append({ text, stream, version: trail.streamLeaves(stream).length + 1 });
};
['a', 'b', 'a', 'a', 'b'].forEach(query);
const older = openCheckpoint(store.checkpoint(signer, [formatTrailLine(trail.commitment())]).text, key);
['b', 'a', 'c'].forEach(query);
const newer = openCheckpoint(store.checkpoint(signer, [formatTrailLine(trail.commitment())]).text, key);

const entriesOf = (stream: string, size: number, text = (i: number) => texts[i]!): ProvedEvent[] =>
  trail.streamLeaves(stream, size).map((index, i) => ({
    version: i + 1,
    index,
    text: text(index),
    path: trail.inclusionProof(index, size).map((h) => h.toString('base64')),
  }));
const reason = (f: () => void) => {
  try {
    f();
    return 'verified';
  } catch (e) {
    return e instanceof ProofFailure ? e.en : e;
  }
};

describe('the prove command’s verifier, on the auditors’ trail', () => {
  it('trailCheckpoint_OfASignedNote_ProvesEveryEntryAndThatTheyAreAllOfTheAuditors', () => {
    const sut = trailCheckpoint(newer);
    expect(sut).toMatchObject({ size: 8, streams: { count: 3 } });
    const events = entriesOf('auditor-a', 8);
    expect(reason(() => checkEvents(sut, 'auditor-a', events))).toBe('verified');
    expect(reason(() => checkWholeStream(sut, 'auditor-a', events, trail.streamMap(8)!.prove('auditor-a')))).toBe('verified');
  });

  it('checkEvents_WithAnEntryRewritten_NamesIt', () => {
    const rewritten = entriesOf('auditor-a', 8, (i) => (i === 2 ? texts[i]!.replace('timeline', 'as-of') : texts[i]!));
    expect(reason(() => checkEvents(trailCheckpoint(newer), 'auditor-a', rewritten))).toBe(
      'version 2 of auditor-a is not in the checkpoint of size 8: its text or path was changed',
    );
  });

  it('checkWholeStream_WithAnEntryLeftOut_IsRefused', () => {
    const shown = entriesOf('auditor-a', 8).slice(0, 3);
    expect(reason(() => checkWholeStream(trailCheckpoint(newer), 'auditor-a', shown, trail.streamMap(8)!.prove('auditor-a')))).toBe(
      'the checkpoint records 4 events of auditor-a, 3 were given',
    );
  });

  it('checkConsistency_BetweenTwoNotesTrails_ProvesThePrefix_AndRefusesAnotherHistory', () => {
    const [o, n] = [trailCheckpoint(older), trailCheckpoint(newer)];
    expect(reason(() => checkConsistency(o.size, o.root, n.size, n.root, trail.consistencyProof(5, 8)))).toBe('verified');
    const forked = new TransparencyLog('x');
    texts.forEach((t, i) => forked.append({ text: i === 1 ? t.replace('timeline', 'as-of') : t, stream: `s${i}`, version: 1 }));
    expect(reason(() => checkConsistency(o.size, o.root, n.size, forked.root(8), forked.consistencyProof(5, 8)))).toMatch(
      /rewritten|new root/,
    );
  });

  it('trailCheckpoint_OfANoteWithoutTheLine_SaysSo', () => {
    const plain = openCheckpoint(store.checkpoint(signer).text, key);
    expect(reason(() => trailCheckpoint(plain))).toMatch(/commits to no auditors’ trail/);
  });

  it('openCheckpoint_WithAMalformedTrailLine_IsRefused', () => {
    const body = `${ORIGIN}\n1\n${store.root().toString('base64')}\nvanguard-trail/v1 5 x\n`;
    const note = signNote(body, signer);
    expect(reason(() => openCheckpoint(note, key))).toBe('the checkpoint’s vanguard-trail/v1 line is malformed');
  });
});

import { eventText } from '../../test/events';
import { TransparencyLog } from '../log/transparency-log';
import { openCheckpoint, parseCheckpointBody } from './checkpoint';
import { NoteSigner } from './signed-note';
import { formatTrailLine, trailOf, TRAIL_EXTENSION } from './trail-extension';

const signer = new NoteSigner('test.example/log', Buffer.alloc(32, 7));

function trail(entries: number) {
  const sut = new TransparencyLog('test.example/trail');
  for (let i = 0; i < entries; i++)
    sut.append({
      text: eventText(`auditor-${i % 2}`, Math.floor(i / 2) + 1, i),
      stream: `auditor-${i % 2}`,
      version: Math.floor(i / 2) + 1,
    });
  return sut;
}

describe('trail extension line', () => {
  it('checkpoint_WithTheTrailLine_SignsItAndReadsItBackAsTheTrailCommitted', () => {
    const store = new TransparencyLog('test.example/log');
    store.append({ text: eventText('pledge-a', 1, 0), stream: 'pledge-a', version: 1 });
    const committed = trail(5).commitment();

    const cp = store.checkpoint(signer, [formatTrailLine(committed)]);
    const opened = openCheckpoint(cp.text, [signer.verifier], 'test.example/log');

    expect(opened.body.streams?.count).toBe(1);
    expect(trailOf(opened.body)).toEqual(committed);
    expect(cp.text.split('\n')[4]).toMatch(new RegExp(`^${TRAIL_EXTENSION} 5 \\S{44} 2 \\S{44}$`));
  });

  it('trailOf_APlainCheckpoint_IsUndefined', () => {
    expect(trailOf(new TransparencyLog('test.example/log').checkpoint(signer).body)).toBeUndefined();
  });

  it.each([
    ['a missing field', (l: string) => l.split(' ').slice(0, 4).join(' ')],
    ['an extra field', (l: string) => `${l} 1`],
    ['a size not in decimal', (l: string) => l.replace(' 5 ', ' 05 ')],
    ['a root of 31 bytes', (l: string) => l.replace(/ (\S{44}) 2 /, ` ${Buffer.alloc(31).toString('base64')} 2 `)],
    ['the line twice', (l: string) => `${l}\n${l}`],
  ])('trailOf_WithMalformedLine_%s_IsRefused', (_, change) => {
    const line = formatTrailLine(trail(5).commitment());
    const body = parseCheckpointBody(`test.example/log\n0\n${Buffer.alloc(32).toString('base64')}\n${change(line)}\n`);
    expect(() => trailOf(body)).toThrow(`malformed ${TRAIL_EXTENSION} line`);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventText } from '../../test/events';
import { TransparencyLog } from '../log/transparency-log';
import { compareStreams, StreamMap, streamHeadText } from '../map/stream-map';
import { NoteSigner } from '../note/signed-note';
import { leafHash } from './hashing';

/**
 * The leaf, node, tree-root, chain and stream-map rules written again in bash over coreutils'
 * sha256sum and xxd (test/independent-tree.sh), run over the same event texts, each in its own
 * file with exactly the bytes hashed, and compared with this lib's answers.
 */
describe('independent implementation (bash, sha256sum, xxd)', () => {
  it('leavesRootsChainAndStreamMap_AgreeWithTheShell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlog-shell-'));
    try {
      const order: [string, number][] = [
        ['pledge-a', 1],
        ['review-b', 1],
        ['pledge-a', 2],
        ['pledge-c', 1],
        ['pledge-a', 3],
        ['review-b', 2],
        ['pledge-a', 4],
      ];
      const sut = new TransparencyLog('test.example/log');
      const roots: string[] = [];
      order.forEach(([stream, version], i) => {
        const text = eventText(stream, version, i);
        writeFileSync(join(dir, `event-${i}.txt`), text);
        if (stream === 'pledge-a') writeFileSync(join(dir, `chain-${version}.txt`), text);
        sut.append({ text, stream, version });
        roots.push(sut.root().toString('hex'));
      });
      const checkpoint = sut.checkpoint(new NoteSigner('test.example/log', Buffer.alloc(32, 7))).body;
      const size = checkpoint.size;
      const heads = ['pledge-a', 'pledge-c', 'review-b'].map((s) => {
        const p = sut.streamProof(s, size);
        if (p.kind !== 'present') throw new Error(`no head for ${s}`);
        return p.leaf.entry;
      });
      [...heads]
        .sort((a, b) => compareStreams(a.stream, b.stream))
        .forEach((h, i) => writeFileSync(join(dir, `map-${i}.txt`), streamHeadText(h)));

      const out = execFileSync('bash', [join(__dirname, '..', '..', 'test', 'independent-tree.sh'), dir], { encoding: 'utf8' });
      const shell = Object.fromEntries(
        out
          .trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );

      expect(Object.keys(shell)).toHaveLength(7 + 7 + 2);
      order.forEach(([stream, version], i) => {
        expect(shell[`leaf-${i}`]).toBe(leafHash(eventText(stream, version, i)).toString('hex'));
        expect(shell[`root-${i + 1}`]).toBe(roots[i]);
      });
      expect(shell['chain']).toBe(heads[0]!.head);
      expect(shell['map']).toBe(checkpoint.streams!.root.toString('hex'));
      expect(shell['map']).toBe(StreamMap.build(heads).root.toString('hex'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

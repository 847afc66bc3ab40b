import type { TransparencyLog } from '../log/transparency-log';
import type { StreamMap } from '../map/stream-map';
import type { BundleEvent, BundleStream } from './bundle-writer';

/**
 * A stream's part of a bundle from an in-memory log: its map proof at the checkpointed `size`
 * and, for each event text `texts` yields (the stream's canonical texts in version order, read
 * from the store), its leaf and inclusion path in the tree of `size`. `map` is that size's stream
 * map when the caller holds it (a long export keeps its own: the log keeps only the last few).
 */
export function bundleStream(
  log: TransparencyLog,
  size: number,
  stream: string,
  texts: Iterable<string> | AsyncIterable<string>,
  map?: StreamMap,
): BundleStream {
  const proof = map ? map.prove(stream) : log.streamProof(stream, size);
  const leaves = log.streamLeaves(stream, size);
  async function* events(): AsyncGenerator<BundleEvent> {
    let v = 0;
    for await (const text of texts) {
      const leaf = leaves[v++];
      if (leaf === undefined)
        throw new RangeError(`stream ${stream} has ${leaves.length} events in a tree of ${size}, more texts were given`);
      yield { text, leaf, path: log.inclusionProof(leaf, size) };
    }
  }
  return { stream, proof, events: events() };
}

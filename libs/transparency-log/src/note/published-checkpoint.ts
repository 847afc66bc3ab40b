import { CheckpointError, openCheckpoint, type OpenedCheckpoint } from './checkpoint';
import type { NoteVerifier } from './signed-note';

/** What a checkpoint event on `vanguard.audit.checkpoints.v1` states besides its note (ADR 0063). */
export interface PublishedCheckpointFields {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly note: string;
}

/**
 * A checkpoint as a reader of the topic gets it: the note's signature under a trusted log key
 * (the operator's published vkey, never a key the event names), its origin, and the event's own
 * size and root equal to what the note signed — the fields are a convenience for filtering and
 * must not be able to say anything the signature does not. Throws NoteError or CheckpointError
 * naming the first thing that fails. The envelope's signature (audit's event key, ADR 0059) is
 * a separate check, the consumer's verifier's.
 */
export function openPublishedCheckpoint(published: PublishedCheckpointFields, verifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const cp = openCheckpoint(published.note, verifiers, published.origin);
  if (cp.body.size !== published.treeSize)
    throw new CheckpointError(`the event says tree size ${published.treeSize}, the signed note ${cp.body.size}`);
  const root = cp.body.root.toString('base64');
  if (root !== published.rootHash) throw new CheckpointError(`the event says root ${published.rootHash}, the signed note ${root}`);
  return cp;
}

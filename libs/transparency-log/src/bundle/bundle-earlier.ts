import { CheckpointError, openCheckpoint, parseCheckpointBody, type CheckpointBody } from '../note/checkpoint';
import { isDevelopmentLogKey } from '../note/log-keys';
import { NoteError, type NoteVerifier } from '../note/signed-note';
import { decodeHashBase64 } from '../tree/hashing';
import { verifyConsistency } from '../tree/proof-verify';
import { BundleError } from './bundle-error';
import type { ConsistencyFile } from './bundle-layout';

/**
 * The checks of a bundle's earlier checkpoints (ADR 0070): each one signed by a key the auditor
 * trusts, and the bundle's checkpoint an extension of it by the RFC 9162 consistency proof the
 * bundle carries; and each checkpoint the auditor holds (`--since`) found among them with the
 * same root. Only the verifier side of the lib: proof-verify, never the tree that builds proofs.
 */

/** A checkpoint the auditor kept, and where it came from (a file name), for the error to name. */
export interface HeldCheckpoint {
  readonly name: string;
  readonly note: string;
}

export interface EarlierSummary {
  readonly size: number;
  readonly root: string;
}

/**
 * Keys an earlier checkpoint may be signed with: every key the auditor pinned (a log that rotated
 * its key signed older checkpoints with the former one), else only the bundle's own; the
 * development key only when allowed.
 */
export function earlierVerifiers(bundleKey: NoteVerifier, trusted: readonly NoteVerifier[] | undefined, allowDevelopmentKey = false) {
  return (trusted ?? [bundleKey]).filter((k) => allowDevelopmentKey || !isDevelopmentLogKey(k));
}

/** Opens a signed checkpoint of the bundle as a BundleError-throwing check; `what` names it in messages. */
export function openBundleCheckpoint(
  note: string,
  verifiers: readonly NoteVerifier[],
  entry: string,
  options: { origin?: string; what?: string; cosignaturesAllowed?: boolean } = {},
): CheckpointBody {
  const what = options.what ? `${options.what}${claimedSize(note)}: ` : '';
  try {
    const opened = openCheckpoint(note, verifiers, options.origin);
    // Every signature line of the bundle must be checkable: an unknown cosignature could be changed unnoticed.
    if (opened.unverified.length > 0 && !options.cosignaturesAllowed)
      throw new BundleError(
        'CHECKPOINT_SIGNATURE',
        `${options.what ? `${options.what} of size ${opened.body.size}: ` : ''}signed also by ${opened.unverified.map((s) => s.name).join(', ')}, which this bundle cannot check`,
        entry,
        opened.body.size,
      );
    return opened.body;
  } catch (err) {
    if (err instanceof BundleError) throw err;
    if (!(err instanceof NoteError) && !(err instanceof CheckpointError)) throw err;
    const signature = err instanceof NoteError && (err.reason === 'bad-signature' || err.reason === 'no-known-signature');
    throw new BundleError(signature ? 'CHECKPOINT_SIGNATURE' : 'CHECKPOINT_INVALID', `${what}${err.message}`, entry, sizeOf(note));
  }
}

/** previous/<i>: the signed note and its consistency file, checked against the bundle's checkpoint `to`. */
export function checkEarlier(
  note: { readonly entry: string; readonly text: string },
  proof: { readonly entry: string; readonly file: ConsistencyFile },
  to: CheckpointBody,
  verifiers: readonly NoteVerifier[],
  before: EarlierSummary | undefined,
): EarlierSummary {
  const body = openBundleCheckpoint(note.text, verifiers, note.entry, { origin: to.origin, what: 'the earlier checkpoint' });
  const named = `the earlier checkpoint of size ${body.size}`;
  if (before !== undefined && body.size <= before.size)
    throw new BundleError(
      'CHECKPOINT_INVALID',
      `${named} comes after the one of size ${before.size}: earlier checkpoints go oldest first, once each`,
      note.entry,
      body.size,
    );
  const { file } = proof;
  if (file.from !== body.size || file.to !== to.size)
    throw new BundleError(
      'CONSISTENCY_INVALID',
      `${named}: the proof is from ${file.from} to ${file.to}, the checkpoints are ${body.size} and ${to.size}`,
      proof.entry,
      body.size,
    );
  const hashes = file.proof.map((h) => decodeHashBase64(h)!);
  const check = verifyConsistency(body.size, to.size, hashes, body.root, to.root);
  if (!check.ok)
    throw new BundleError(
      'CONSISTENCY_INVALID',
      `${named} (root ${body.root.toString('base64')}) is not a prefix of the checkpoint of size ${to.size}: ${check.message}`,
      proof.entry,
      body.size,
    );
  return { size: body.size, root: body.root.toString('base64') };
}

/**
 * The checkpoints the auditor holds, each proven a prefix of the bundle's: the bundle's checkpoint
 * itself or one of its verified earlier checkpoints has its size, and the same root. Cosignature
 * lines (a witnessed note) are allowed: only the log's signature is needed here.
 */
export function checkHeld(
  held: readonly HeldCheckpoint[],
  checkpoint: CheckpointBody,
  earlier: readonly EarlierSummary[],
  verifiers: readonly NoteVerifier[],
): EarlierSummary[] {
  return held.map((h) => {
    const body = openBundleCheckpoint(h.note, verifiers, h.name, {
      origin: checkpoint.origin,
      what: 'the checkpoint you hold',
      cosignaturesAllowed: true,
    });
    const root = body.root.toString('base64');
    const named = `the checkpoint you hold of size ${body.size}`;
    if (body.size > checkpoint.size)
      throw new BundleError(
        'EARLIER_CHECKPOINT_MISSING',
        `${named} is newer than the bundle's (size ${checkpoint.size}): export the bundle again`,
        h.name,
        body.size,
      );
    const proven = body.size === checkpoint.size ? { size: checkpoint.size, root: checkpoint.root.toString('base64') } : undefined;
    const inBundle = proven ?? earlier.find((e) => e.size === body.size);
    if (!inBundle)
      throw new BundleError(
        'EARLIER_CHECKPOINT_MISSING',
        `${named} is not among the bundle's earlier checkpoints (${earlier.map((e) => e.size).join(', ') || 'none'}): export with earlier=${body.size}`,
        h.name,
        body.size,
      );
    if (inBundle.root !== root)
      throw new BundleError(
        'CONSISTENCY_INVALID',
        `${named} has root ${root}, the bundle's checkpoint of that size has ${inBundle.root}: the log signed two histories, the one you saw is not a prefix of the bundle's`,
        h.name,
        body.size,
      );
    return { size: body.size, root };
  });
}

/** The size a note claims, for messages about a note whose signature failed ('' when unreadable). */
function claimedSize(note: string): string {
  const size = sizeOf(note);
  return size === undefined ? '' : ` (claiming size ${size})`;
}

function sizeOf(note: string): number | undefined {
  try {
    return parseCheckpointBody(note.slice(0, note.lastIndexOf('\n\n') + 1)).size;
  } catch {
    return undefined;
  }
}

import { decodeBase64Strict, HASH_SIZE } from '../tree/hashing';
import { hasControlCharacter, NoteError, openNote, signNote, type NoteSigner, type NoteVerifier, type OpenedNote } from './signed-note';

/**
 * A C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of a signed note is the log's
 * origin line, its tree size in decimal, its root hash in base64, then optional non-empty
 * extension lines. Vanguard adds one extension line, the commitment to every stream's head
 * (ADR 0033): `vanguard-streams/v1 <streams> <base64 stream-map root>`; clients that do not
 * know it (a witness) ignore it, as the spec asks, and it is signed with the rest.
 */
export interface CheckpointBody {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** The stream-head map committed with this tree (absent in plain checkpoints). */
  readonly streams?: { readonly count: number; readonly root: Buffer };
  /** Extension lines other than the stream commitment, kept as they were. */
  readonly extensions?: readonly string[];
}

export const STREAMS_EXTENSION = 'vanguard-streams/v1';
const DECIMAL = /^(0|[1-9][0-9]*)$/;

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export function formatCheckpointBody(body: CheckpointBody): string {
  if (body.origin.length === 0 || hasControlCharacter(body.origin, false))
    throw new CheckpointError('the origin must be one non-empty line');
  if (!Number.isSafeInteger(body.size) || body.size < 0) throw new CheckpointError(`bad tree size ${body.size}`);
  if (body.root.length !== HASH_SIZE) throw new CheckpointError('the root hash is 32 bytes');
  let text = `${body.origin}\n${body.size}\n${body.root.toString('base64')}\n`;
  if (body.streams) text += `${STREAMS_EXTENSION} ${body.streams.count} ${body.streams.root.toString('base64')}\n`;
  for (const line of body.extensions ?? []) {
    if (line.length === 0 || hasControlCharacter(line, false)) throw new CheckpointError('an extension line is one non-empty line');
    text += `${line}\n`;
  }
  return text;
}

/** Parses a checkpoint body strictly: one spelling per checkpoint, so any changed byte is refused or changes a value. */
export function parseCheckpointBody(text: string): CheckpointBody {
  if (!text.endsWith('\n')) throw new CheckpointError('the checkpoint body ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('a checkpoint has an origin, a tree size and a root hash line');
  const [origin, sizeText, rootText, ...rest] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CheckpointError('the origin line is empty');
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new CheckpointError(`the tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  const root = decodeBase64Strict(rootText);
  if (root?.length !== HASH_SIZE) throw new CheckpointError('the root hash line is not the base64 of 32 bytes');
  let streams: CheckpointBody['streams'];
  const extensions: string[] = [];
  for (const line of rest) {
    if (line.length === 0) throw new CheckpointError('an extension line is empty');
    if (line.startsWith(`${STREAMS_EXTENSION} `)) {
      const [, countText, mapRootText, ...more] = line.split(' ');
      const mapRoot = decodeBase64Strict(mapRootText ?? '');
      if (streams || more.length > 0 || !DECIMAL.test(countText ?? '') || mapRoot?.length !== HASH_SIZE)
        throw new CheckpointError(`malformed ${STREAMS_EXTENSION} line`);
      streams = { count: Number(countText), root: mapRoot };
    } else extensions.push(line);
  }
  return { origin, size: Number(sizeText), root, ...(streams ? { streams } : {}), ...(extensions.length ? { extensions } : {}) };
}

/** A signed checkpoint, the text to publish and keep. The key name should be the origin (C2SP). */
export function signCheckpoint(body: CheckpointBody, signer: NoteSigner): string {
  return signNote(formatCheckpointBody(body), signer);
}

export interface OpenedCheckpoint extends OpenedNote {
  readonly body: CheckpointBody;
}

/**
 * Verifies a signed checkpoint against trusted keys and parses its body. `origin`, when given,
 * must match: a checkpoint of another log is refused even if the key is trusted.
 */
export function openCheckpoint(message: string, verifiers: readonly NoteVerifier[], origin?: string): OpenedCheckpoint {
  const note = openNote(message, verifiers);
  const body = parseCheckpointBody(note.text);
  if (origin !== undefined && body.origin !== origin)
    throw new CheckpointError(`the checkpoint is of log ${JSON.stringify(body.origin)}, not ${JSON.stringify(origin)}`);
  return { ...note, body };
}

export { NoteError };

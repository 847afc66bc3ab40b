import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { HASH_SIZE, MerkleTree, ProvenNodes, leafHash, verifyInclusion } from '@vanguard/transparency-log';

/**
 * A relay's batch signed once (ADR 0085): the events' signing inputs are the leaves of an RFC 9162
 * Merkle tree, the producer signs its root, and each event carries the root, the signature, its
 * index and its inclusion path. Each event still verifies on its own — whoever reads one record
 * recomputes its leaf, walks its path to the root and checks the root's signature — but a consumer
 * that reads the whole batch checks one Ed25519 signature for all of it instead of one per event.
 */
export const BATCH_SIGNATURE_ALG = 'Ed25519-batch';

/** At most this many events share a root: a path of at most 8 hashes (about 350 bytes an event). */
export const MAX_SIGNED_BATCH = 256;

export interface BatchSignature {
  readonly alg: typeof BATCH_SIGNATURE_ALG;
  readonly kid: string;
  /** Ed25519 over {@link batchRootMessage}, base64url. */
  readonly value: string;
  /** The batch's tree: its size, the root (base64url) and this event's leaf index and path. */
  readonly size: number;
  readonly root: string;
  readonly index: number;
  readonly path: readonly string[];
}

/**
 * What the producer signs for a batch. The prefix keeps it from ever passing for a single
 * event's signing input (canonical JSON, which begins with `{`); the context, kid and size bind
 * the root to the key it was signed for and to the tree's shape.
 */
export function batchRootMessage(context: string, kid: string, size: number, root: Buffer): Buffer {
  if (/[\r\n]/.test(context + kid)) throw new RangeError('a context or kid must not hold a line break');
  return Buffer.from(`vanguard-event-batch/v1\n${context}\n${kid}\n${size}\n${root.toString('base64url')}\n`, 'utf8');
}

/** The signature fields of each input, in order, for one batch of at most {@link MAX_SIGNED_BATCH}. */
export function signBatch(key: KeyObject, context: string, kid: string, inputs: readonly Buffer[]): BatchSignature[] {
  if (inputs.length === 0 || inputs.length > MAX_SIGNED_BATCH) throw new RangeError(`a signed batch holds 1–${MAX_SIGNED_BATCH} events`);
  const tree = new MerkleTree();
  for (const input of inputs) tree.append(leafHash(input));
  const root = tree.root();
  const value = sign(null, batchRootMessage(context, kid, inputs.length, root), key).toString('base64url');
  const rootText = root.toString('base64url');
  return inputs.map((_, index) => ({
    alg: BATCH_SIGNATURE_ALG,
    kid,
    value,
    size: inputs.length,
    root: rootText,
    index,
    path: tree.inclusionProof(index).map((h) => h.toString('base64url')),
  }));
}

/** A batch claim's parts, decoded; null when any is malformed (the event then counts as unsigned). */
export interface BatchClaim {
  readonly kid: string;
  readonly signature: Buffer;
  readonly size: number;
  readonly root: Buffer;
  readonly index: number;
  readonly path: readonly Buffer[];
}

/** An Ed25519 signature's 64 bytes in base64url, unpadded: a claim carrying anything else is not a signature. */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{86}$/;

export function parseBatchClaim(s: Partial<Record<keyof BatchSignature, unknown>>): BatchClaim | null {
  const { kid, value, size, root, index, path } = s;
  if (typeof kid !== 'string' || typeof value !== 'string' || typeof root !== 'string') return null;
  // A kid is a line of the signed root text: a line break in it could make two texts one.
  if (kid.length === 0 || kid.length > 200 || /[\r\n]/.test(kid) || !SIGNATURE_TEXT.test(value)) return null;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(index)) return null;
  if ((size as number) < 1 || (size as number) > MAX_SIGNED_BATCH || (index as number) < 0 || (index as number) >= (size as number))
    return null;
  if (!Array.isArray(path) || path.length > 8 || path.some((p) => typeof p !== 'string')) return null;
  const hashes = [root, ...(path as string[])].map((t) => Buffer.from(t, 'base64url'));
  if (hashes.some((h) => h.length !== HASH_SIZE)) return null;
  return {
    kid,
    signature: Buffer.from(value, 'base64url'),
    size: size as number,
    root: hashes[0]!,
    index: index as number,
    path: hashes.slice(1),
  };
}

/**
 * Whether the event's signing input (its canonical text) is leaf `index` of the tree whose root
 * the claim names. With `trees`, the batch's other leaves already proved shorten the walk (ADR 0087).
 */
export function inBatch(input: Buffer | string, claim: BatchClaim, trees?: ProvenTrees): boolean {
  const leaf = leafHash(input);
  const proven = trees?.of(claim.size, claim.root);
  return (proven ? proven.verify(claim.index, leaf, claim.path) : verifyInclusion(claim.index, claim.size, leaf, claim.path, claim.root))
    .ok;
}

/**
 * The proven nodes of the batches a consumer is reading, by size and root. Bounded: the oldest
 * tree is dropped (64 trees of 256 leaves, half of each proved, held 9.2 MB of heap), so a flood
 * of roots costs speed, not memory. Only hashes live here: a root's signature is still checked
 * for every event.
 */
export class ProvenTrees {
  private readonly trees = new Map<string, ProvenNodes>();

  constructor(private readonly capacity = 64) {}

  of(size: number, root: Buffer): ProvenNodes {
    const id = `${size}:${root.toString('base64')}`;
    let tree = this.trees.get(id);
    if (!tree) {
      tree = new ProvenNodes(size, root);
      this.trees.set(id, tree);
      if (this.trees.size > this.capacity) this.trees.delete(this.trees.keys().next().value!);
    }
    return tree;
  }
}

/**
 * Root signatures already checked, keyed by what was signed and the signature itself: the first
 * event of a batch pays for the Ed25519 check, the rest of the batch reuse its answer (a refusal
 * too, so a forged root repeated costs one check). Bounded: the oldest answers are dropped.
 */
export class CheckedRoots {
  private readonly answers = new Map<string, boolean | Promise<boolean>>();

  constructor(private readonly capacity = 1_024) {}

  /** On this thread. */
  checkNow(message: Buffer, key: KeyObject, signature: Buffer): boolean {
    const id = this.idOf(message, signature);
    const known = this.answers.get(id);
    if (typeof known === 'boolean') return known;
    const valid = verify(null, message, key, signature);
    this.remember(id, valid);
    return valid;
  }

  /** On libuv's thread pool (ADR 0068); events of one batch checked side by side share the one check. */
  check(message: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
    const id = this.idOf(message, signature);
    const known = this.answers.get(id);
    if (known !== undefined) return Promise.resolve(known);
    const pending = new Promise<boolean>((resolve, reject) =>
      verify(null, message, key, signature, (error, valid) => (error ? reject(error) : resolve(valid))),
    );
    this.remember(id, pending);
    pending.then(
      (valid) => this.answers.get(id) === pending && this.answers.set(id, valid),
      () => this.answers.get(id) === pending && this.answers.delete(id),
    );
    return pending;
  }

  /** Fixed-size, whatever a claim carries: the root text (context, kid, size, root) and the signature. */
  private idOf(message: Buffer, signature: Buffer): string {
    return createHash('sha256').update(message).update(signature).digest('base64url');
  }

  private remember(id: string, answer: boolean | Promise<boolean>): void {
    this.answers.set(id, answer);
    if (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value!);
  }
}

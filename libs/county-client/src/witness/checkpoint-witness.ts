import {
  CheckpointError,
  EMPTY_ROOT,
  NoteError,
  openCheckpoint,
  verifyConsistency,
  type CosignatureSigner,
  type NoteVerifier,
} from '@vanguard/transparency-log';
import { extensionConflict } from './witness-extensions';
import type { WitnessStateStore, WitnessedHead } from './witness-state-file';

/**
 * What a county witness does with a checkpoint (c2sp.org/tlog-witness `add-checkpoint`, and
 * c2sp.org/tlog-cosignature for the answer): it cosigns only a checkpoint signed by the log's
 * key that extends the largest tree it has seen, proven by a consistency proof from that tree,
 * and it records the new tree before answering, so it never cosigns two views of one log.
 */
export type WitnessRefusalCode =
  /** Not signed by the trusted log key, malformed, or of another log. */
  | 'WITNESS.BAD_CHECKPOINT'
  /** The caller's idea of the witness's size is stale (tlog-witness answers 409 with the size). */
  | 'WITNESS.OLD_SIZE_MISMATCH'
  /** A smaller tree than one already seen: history would have been cut. */
  | 'WITNESS.ROLLBACK'
  /** Same size with another root, or a proof that does not join the two trees: two histories. */
  | 'WITNESS.FORK';

export type WitnessAnswer =
  | { readonly outcome: 'cosigned'; readonly size: number; readonly cosignature: string; readonly firstSeen: boolean }
  | { readonly outcome: 'refused'; readonly code: WitnessRefusalCode; readonly reason: string; readonly witnessSize: number };

export interface AddCheckpoint {
  /** The tree size the caller believes this witness holds (0 before its first checkpoint). */
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size (empty when the sizes are equal or oldSize is 0). */
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note. */
  readonly checkpoint: string;
}

export class CheckpointWitness {
  /**
   * One checkpoint at a time in this process; the state store's lock does the same across
   * processes sharing its file: the state read, checked and written is never interleaved.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      readonly logKey: NoteVerifier;
      readonly origin: string;
      readonly signer: CosignatureSigner;
      readonly state: WitnessStateStore;
      readonly now?: () => number;
    },
  ) {}

  get name(): string {
    return this.options.signer.name;
  }

  async head(): Promise<WitnessedHead | undefined> {
    return this.options.state.load();
  }

  addCheckpoint(request: AddCheckpoint): Promise<WitnessAnswer> {
    const run = this.queue.then(() => this.options.state.exclusive(() => this.decide(request)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decide({ oldSize, proof, checkpoint }: AddCheckpoint): Promise<WitnessAnswer> {
    const last = await this.options.state.load();
    const lastSize = last?.size ?? 0;
    const refuse = (code: WitnessRefusalCode, reason: string): WitnessAnswer => ({
      outcome: 'refused',
      code,
      reason,
      witnessSize: lastSize,
    });
    let body;
    try {
      ({ body } = openCheckpoint(checkpoint, [this.options.logKey], this.options.origin));
    } catch (e) {
      if (e instanceof NoteError || e instanceof CheckpointError) return refuse('WITNESS.BAD_CHECKPOINT', e.message);
      throw e;
    }
    // RFC 9162 §2.1.1: the empty tree has one root, so any other at size 0 is a history of nothing that differs.
    if (body.size === 0 && !body.root.equals(EMPTY_ROOT))
      return refuse(
        'WITNESS.BAD_CHECKPOINT',
        `an empty tree's root is ${EMPTY_ROOT.toString('base64')}, not ${body.root.toString('base64')}`,
      );
    if (body.size < lastSize)
      return refuse(
        'WITNESS.ROLLBACK',
        `回滚 / rollback: this witness has seen a tree of ${lastSize} entries; the checkpoint has only ${body.size}`,
      );
    const root = body.root.toString('base64');
    if (last && body.size === lastSize && root !== last.root)
      return refuse('WITNESS.FORK', `分叉 / fork: at size ${lastSize} this witness saw root ${last.root}; the checkpoint has ${root}`);
    if (oldSize !== lastSize)
      return refuse('WITNESS.OLD_SIZE_MISMATCH', `this witness holds size ${lastSize}, not ${oldSize}: prove consistency from ${lastSize}`);
    // An empty tree is a prefix of every tree: from size 0 there is nothing to prove (and RFC 9162 has no such proof).
    if (last && lastSize > 0 && body.size > lastSize) {
      const check = verifyConsistency(lastSize, body.size, proof, Buffer.from(last.root, 'base64'), body.root);
      if (!check.ok)
        return refuse(
          'WITNESS.FORK',
          `分叉 / fork: the tree of ${body.size} entries is not an extension of the ${lastSize} this witness saw (${check.reason}: ${check.message})`,
        );
    } else if (lastSize === 0 && proof.length > 0) return refuse('WITNESS.FORK', 'from an empty tree a checkpoint comes without a proof');
    // Only once the tree holds: a fork of the tree is reported as one, whatever its extension lines say.
    const conflict = extensionConflict(last?.checkpoint, body);
    if (conflict) return refuse(conflict.code, conflict.reason);
    // Recorded before answering: a cosignature is never given for a tree the witness could later forget.
    const checkpointBody = checkpoint.slice(0, checkpoint.lastIndexOf('\n\n') + 1);
    await this.options.state.save({ origin: body.origin, size: body.size, root, checkpoint });
    const time = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    return { outcome: 'cosigned', size: body.size, cosignature: this.options.signer.cosign(checkpointBody, time), firstSeen: !last };
  }
}

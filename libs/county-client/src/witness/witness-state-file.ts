import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory, withExclusiveLock } from '../exclusive-lock';

/** The largest consistent tree a witness has seen of one log: all it must never forget. */
export interface WitnessedHead {
  readonly origin: string;
  readonly size: number;
  /** Base64 root hash. */
  readonly root: string;
  /** The signed checkpoint it came in, kept as evidence should the log later show another history. */
  readonly checkpoint: string;
}

export interface WitnessStateStore {
  load(): Promise<WitnessedHead | undefined>;
  save(head: WitnessedHead): Promise<void>;
  /** Runs `work` (a load, a decision, a save) while no other witness, in this process or another, runs its own. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The witness's state in one JSON file, replaced atomically (written beside it, then renamed),
 * so a crash leaves the old head or the new one, never half of either.
 *
 * Two witnesses on one file (a daemon and a one-off run share the default path) are serialised
 * by a lock file `<file>.lock`, created exclusively and holding host, pid and a token (ADR 0101):
 * had both read the same head, each could cosign its own tree at one size — a fork. A lock left
 * by a dead process is removed only under a second exclusive file, `<file>.lock.break`, after
 * checking that the lock is still the dead one's, so two removers can never delete each other's
 * live lock. A process that dies while removing one leaves that file, and the witness then stops
 * and names it rather than guess.
 */
export class WitnessStateFile implements WitnessStateStore {
  constructor(
    readonly file: string,
    /** The log this file must be of; a state file of another log is refused, not compared with. */
    private readonly origin?: string,
    private readonly lockWaitMs = 30_000,
  ) {}

  async load(): Promise<WitnessedHead | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let head: WitnessedHead;
    try {
      head = JSON.parse(text) as WitnessedHead;
    } catch (e) {
      throw new Error(`${this.file} is not a witness state file (${(e as Error).message})`, { cause: e });
    }
    if (
      head === null ||
      typeof head.origin !== 'string' ||
      !Number.isSafeInteger(head.size) ||
      typeof head.root !== 'string' ||
      typeof head.checkpoint !== 'string'
    )
      throw new Error(`${this.file} is not a witness state file`);
    if (this.origin !== undefined && head.origin !== this.origin)
      throw new Error(
        `${this.file} holds what this witness saw of the log ${head.origin}, not of ${this.origin}: give each log its own --state file`,
      );
    return head;
  }

  async save(head: WitnessedHead): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(head, null, 2)}\n`, { encoding: 'utf8', flush: true });
    await rename(tmp, this.file);
    fsyncDirectory(path.dirname(this.file));
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    return withExclusiveLock(`${this.file}.lock`, work, this.lockWaitMs, 'witness');
  }
}

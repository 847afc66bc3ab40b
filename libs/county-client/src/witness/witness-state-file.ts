import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
    const head = JSON.parse(text) as WitnessedHead;
    if (
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
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const lock = `${this.file}.lock`;
    const mine = `${hostname()} ${process.pid} ${randomBytes(8).toString('hex')}\n`;
    const deadline = Date.now() + this.lockWaitMs;
    while (!(await createExclusive(lock, mine))) {
      const holder = await readIfPresent(lock);
      if (holder !== undefined && isDeadHere(holder)) await this.breakStale(lock, holder);
      else if (Date.now() > deadline)
        throw new Error(`${lock} is held by ${holder?.trim() ?? 'another witness'} (host, pid); remove it only if no witness runs`);
      else await sleep(5 + Math.random() * 20);
    }
    try {
      return await work();
    } finally {
      if ((await readIfPresent(lock)) === mine) await unlink(lock);
    }
  }

  private async breakStale(lock: string, stale: string): Promise<void> {
    const breaker = `${lock}.break`;
    const mine = `${hostname()} ${process.pid}\n`;
    if (!(await createExclusive(breaker, mine))) {
      const other = await readIfPresent(breaker);
      if (other !== undefined && isDeadHere(other))
        throw new Error(
          `${breaker} was left by a witness that died removing a stale lock; check that no witness runs, then remove it and ${lock}`,
        );
      return sleep(5 + Math.random() * 20);
    }
    try {
      // Another remover may have gone first and a live witness taken the lock since.
      if ((await readIfPresent(lock)) === stale) await unlink(lock);
    } finally {
      await unlink(breaker);
    }
  }
}

/** Creates `file` holding `content` unless it exists; linked from a written file, so it is never seen empty. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, 'utf8');
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp);
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Whether a lock's holder is known to be gone: only a process of this host can be asked. */
function isDeadHere(holder: string): boolean {
  const [host, pidText] = holder.split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

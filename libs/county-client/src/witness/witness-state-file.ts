import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
}

/**
 * The witness's state in one JSON file, replaced atomically (written beside it, then renamed),
 * so a crash leaves the old head or the new one, never half of either.
 */
export class WitnessStateFile implements WitnessStateStore {
  constructor(readonly file: string) {}

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
    return head;
  }

  async save(head: WitnessedHead): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(head, null, 2)}\n`, { encoding: 'utf8', flush: true });
    await rename(tmp, this.file);
  }
}

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { EventEnvelope } from '@vanguard/contracts';
import { lowerCaseUuids } from '@vanguard/kernel';
import { UsageError } from './county-drafts';
import { fsyncDirectory, withExclusiveLock } from './exclusive-lock';

/**
 * What a county system must remember between runs so the platform can trust its order:
 * the last sequence it used per subject (a new message about a subject takes the next one;
 * the gate refuses a sequence it has already passed as COUNTY.STALE), and every message it
 * sent (so `resend` republishes the very same envelope: same message id, same sequence, so
 * the platform answers `duplicate` instead of applying it twice).
 *
 * Two files in the county's state directory: `sequences.json` (rewritten atomically) and
 * `sent.jsonl` (appended, one envelope a line). A sequence is written down BEFORE its message
 * is published, so a crash between the two never hands the same sequence to two messages.
 * Both are changed only under `state.lock` (ADR 0109): two county processes on one directory
 * would otherwise each number from what they read at start, and the last writer would win.
 */
export interface CountySequences {
  readonly subjects: Readonly<Record<string, number>>;
}

/**
 * A subject as the gate numbers it: its ids lower-cased by the gate's own rule (ADR 0105). Numbered
 * as written, one member sent as <ID> and then as <id> took sequence 1 twice, and the gate refused
 * the second (a corrected record) as COUNTY.STALE.
 */
const subjectAsTheGateReadsIt = (subject: string): string => lowerCaseUuids(subject);

/**
 * `current` with each subject under the gate's spelling, at the highest sequence any spelling of
 * it reached: a file written before numbering followed the gate holds one member under two.
 */
function sequencesAsTheGateReadsThem(current: CountySequences): CountySequences {
  const subjects: Record<string, number> = {};
  for (const [written, sequence] of Object.entries(current.subjects)) {
    const subject = subjectAsTheGateReadsIt(written);
    subjects[subject] = Math.max(subjects[subject] ?? 0, sequence);
  }
  return { subjects };
}

/** Pure: the next sequence of each subject in order, and the sequences after them. */
export function allocateSequences(current: CountySequences, subjects: readonly string[]): { sequences: number[]; next: CountySequences } {
  const subjectsNext = { ...sequencesAsTheGateReadsThem(current).subjects };
  const sequences = subjects.map((written) => {
    const s = subjectAsTheGateReadsIt(written);
    return (subjectsNext[s] = (subjectsNext[s] ?? 0) + 1);
  });
  return { sequences, next: { subjects: subjectsNext } };
}

export class CountyStateFile {
  constructor(
    readonly dir: string,
    /** Where a damaged line of `sent.jsonl` is reported (it is skipped, never fatal). */
    private readonly warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
    private readonly lockWaitMs = 30_000,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private get sequencesFile(): string {
    return path.join(this.dir, 'sequences.json');
  }

  private get sentFile(): string {
    return path.join(this.dir, 'sent.jsonl');
  }

  lastSequence(subject: string): number {
    return sequencesAsTheGateReadsThem(this.readSequences()).subjects[subjectAsTheGateReadsIt(subject)] ?? 0;
  }

  /** Takes the next sequence for each subject and writes them down before anything is published. */
  allocate(subjects: readonly string[]): Promise<number[]> {
    return this.exclusive(() => {
      // Read under the lock: another process may have numbered since this one started.
      const { sequences, next } = allocateSequences(this.readSequences(), subjects);
      writeJsonAtomically(this.sequencesFile, next);
      return Promise.resolve(sequences);
    });
  }

  /** Remembers sent envelopes (before publishing them) for `resend`. */
  recordSent(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return Promise.resolve();
    return this.exclusive(() => {
      const text = envelopes.map((e) => JSON.stringify(e)).join('\n') + '\n';
      // A torn last line (a crash mid-append) must not swallow the first envelope of this batch.
      appendDurably(this.sentFile, endsWithNewline(this.sentFile) ? text : `\n${text}`);
      return Promise.resolve();
    });
  }

  /** The envelope sent under `messageId`, exactly as it was first built; undefined if this county never sent it. */
  async findSent(messageId: string): Promise<EventEnvelope | undefined> {
    if (!fs.existsSync(this.sentFile)) return undefined;
    const needle = `"eventId":"${messageId}"`;
    // Line by line: the file grows with every message and may pass what one string can hold.
    const lines = readline.createInterface({ input: fs.createReadStream(this.sentFile, 'utf8'), crlfDelay: Infinity });
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo++;
        if (!line.includes(needle)) continue;
        let e: EventEnvelope;
        try {
          e = JSON.parse(line) as EventEnvelope;
        } catch {
          this.warn(`警告: ${this.sentFile} 第 ${lineNo} 行已损坏（写入时中断？），已跳过`);
          continue;
        }
        if (e.eventId === messageId) return e;
      }
    } finally {
      lines.close();
    }
    return undefined;
  }

  /** A small JSON document of the county's own beside the sequences (e.g. the followed organisations). */
  readDocument<T>(name: string): T | undefined {
    return readJson<T>(path.join(this.dir, `${name}.json`));
  }

  writeDocument(name: string, value: unknown): void {
    writeJsonAtomically(path.join(this.dir, `${name}.json`), value);
  }

  private readSequences(): CountySequences {
    const s = readJson<CountySequences>(this.sequencesFile);
    if (s === undefined) return { subjects: {} };
    if (s === null || typeof s !== 'object' || typeof s.subjects !== 'object' || s.subjects === null)
      throw new UsageError(`${this.sequencesFile}: 不是本县的序号文件（须为 {"subjects": {…}}）；请从备份恢复`);
    return s;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return withExclusiveLock(path.join(this.dir, 'state.lock'), work, this.lockWaitMs, 'county process');
  }
}

/** A damaged file is named, as the CLI's usage error: the operator restores it, nothing is retried. */
function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`无法读取 ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new UsageError(`${file} 不是有效的 JSON（${(e as Error).message}）；请从备份恢复`);
  }
}

function endsWithNewline(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    fs.closeSync(fd);
  }
}

// Synced before the messages are published: `resend` must find what the platform may have received.
function appendDurably(file: string, text: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// Write, sync, rename, sync the directory: neither a reader, a crash nor a power cut sees half a file or loses the new one.
function writeJsonAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, JSON.stringify(value));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirectory(path.dirname(file));
}

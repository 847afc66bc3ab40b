import fs from 'node:fs';
import path from 'node:path';
import type { EventEnvelope } from '@vanguard/contracts';

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
 */
export interface CountySequences {
  readonly subjects: Readonly<Record<string, number>>;
}

/** Pure: the next sequence of each subject in order, and the sequences after them. */
export function allocateSequences(current: CountySequences, subjects: readonly string[]): { sequences: number[]; next: CountySequences } {
  const subjectsNext: Record<string, number> = { ...current.subjects };
  const sequences = subjects.map((s) => (subjectsNext[s] = (subjectsNext[s] ?? 0) + 1));
  return { sequences, next: { subjects: subjectsNext } };
}

export class CountyStateFile {
  private sequences: CountySequences;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.sequences = readJson<CountySequences>(this.sequencesFile) ?? { subjects: {} };
  }

  private get sequencesFile(): string {
    return path.join(this.dir, 'sequences.json');
  }

  private get sentFile(): string {
    return path.join(this.dir, 'sent.jsonl');
  }

  lastSequence(subject: string): number {
    return this.sequences.subjects[subject] ?? 0;
  }

  /** Takes the next sequence for each subject and writes them down before anything is published. */
  allocate(subjects: readonly string[]): number[] {
    const { sequences, next } = allocateSequences(this.sequences, subjects);
    writeJsonAtomically(this.sequencesFile, next);
    this.sequences = next;
    return sequences;
  }

  /** Remembers sent envelopes (before publishing them) for `resend`. */
  recordSent(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    fs.appendFileSync(this.sentFile, envelopes.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }

  /** The envelope sent under `messageId`, exactly as it was first built; undefined if this county never sent it. */
  findSent(messageId: string): EventEnvelope | undefined {
    if (!fs.existsSync(this.sentFile)) return undefined;
    const needle = `"eventId":"${messageId}"`;
    for (const line of fs.readFileSync(this.sentFile, 'utf8').split('\n')) {
      if (!line.includes(needle)) continue;
      const e = JSON.parse(line) as EventEnvelope;
      if (e.eventId === messageId) return e;
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
}

function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

// Write then rename: a reader (or a crash) never sees half a file.
function writeJsonAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}

import { readFileSync } from 'node:fs';

/**
 * `export`'s earlier checkpoints (ADR 0070): `--earlier <size>` names a published checkpoint by its
 * size, `--since <file>` one the auditor kept (a note saved by `prove --save-checkpoint` or read off
 * the checkpoints topic). Both become `earlier=<size>`: the bundle then carries exactly those, as
 * the service published them, each with its consistency proof; without either, the service's
 * bounded default. The verifier is told of the kept files (`--since`), so it checks the bundle's
 * note of that size against the auditor's own copy, not only against the one the service kept.
 */
export function earlierQuery(earlier: readonly string[], since: readonly string[]): string[] {
  const sizes = [...earlier, ...since.map(sizeOfNote)];
  return sizes.map((s) => `earlier=${encodeURIComponent(s)}`);
}

/** The verify command the service sent, with the auditor's kept checkpoints added. */
export function withSince(command: string, since: readonly string[]): string {
  return [command, ...since.map((f) => `--since '${f.replace(/'/g, `'\\''`)}'`)].join(' ');
}

/** A C2SP checkpoint's second line is its tree size; the verifier checks the rest of the note. */
function sizeOfNote(file: string): string {
  const size = readFileSync(file, 'utf8').split('\n')[1] ?? '';
  if (!/^[1-9][0-9]*$/.test(size)) throw new Error(`${file} is not a signed checkpoint of a non-empty tree`);
  return size;
}

/**
 * Lines a service started from its main.ts may write to stderr without anything having failed.
 * None so far: in a run of service-mains.e2e.spec.ts (December 2026) the five services wrote
 * nothing to stderr from start to exit. A pattern goes here only with the reason it is harmless.
 */
const BENIGN_STDERR: readonly RegExp[] = [];

/** The level of a pino record (one JSON object per line); undefined for any other line. */
const pinoLevel = (line: string): number | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' ? level : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Of a service's `errorLines()` (all of its stderr, and the pino errors of its stdout), those that
 * tell of a failure: pino records of level 50 (error) or 60 (fatal), and every other line not
 * listed as benign. The services log through pino on stdout; what bypasses it writes plain text to
 * stderr: audit's checkpoint schedule (`[audit] checkpoint of … not published`), a failed start,
 * Node's own warnings and crashes.
 */
export function failureLines(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    const level = pinoLevel(line);
    if (level !== undefined) return level >= 50;
    return !BENIGN_STDERR.some((pattern) => pattern.test(line));
  });
}

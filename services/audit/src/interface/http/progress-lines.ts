/** How long work reports over HTTP; `AUDIT.VERIFY_FAILED` and the like, with a message, when it fails. */
export interface LongWorkFailure {
  readonly code: string;
  readonly message: string;
}

/**
 * NDJSON for long work (verify, completeness): the `first` line before any work is done (so a
 * failure to start is still an ordinary error answer), `{"progress":{done,total}}` at most every
 * 250 ms and always the last one, then `{"result":…}`, or `{"error":…}` with the refusal's body or
 * `failure`. Nothing more once `signal` has aborted: the client is gone.
 */
export async function* progressLines<P extends { done: number; total: number }>(
  first: unknown,
  run: (onProgress: (p: P) => void) => Promise<unknown>,
  signal: AbortSignal,
  failure: LongWorkFailure,
): AsyncGenerator<string> {
  yield `${JSON.stringify(first)}\n`;
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let last = 0;
  let finished: { result?: unknown; error?: unknown } | null = null;
  const work = run((p) => {
    if (Date.now() - last < 250 && p.done < p.total) return;
    last = Date.now();
    lines.push(`${JSON.stringify({ progress: p })}\n`);
    wake?.();
  }).then(
    (result) => (finished = { result }),
    (error: unknown) => (finished = { error }),
  );
  void work.then(() => wake?.());
  for (;;) {
    while (lines.length) yield lines.shift()!;
    if (finished) break;
    await new Promise<void>((r) => (wake = r));
    wake = null;
  }
  const done = finished as { result?: unknown; error?: unknown };
  if (done.error !== undefined) {
    if (signal.aborted) return;
    const status = (done.error as { getStatus?: () => number }).getStatus?.();
    yield `${JSON.stringify({ error: status ? (done.error as { getResponse(): unknown }).getResponse() : failure })}\n`;
    return;
  }
  yield `${JSON.stringify({ result: done.result })}\n`;
}

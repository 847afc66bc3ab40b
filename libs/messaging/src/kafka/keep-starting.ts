export interface KeepStartingOptions {
  /** Each failed attempt, with its number (1 for the first). */
  readonly onError: (error: unknown, attempt: number) => void;
  /** Wait after a failed attempt: `initialMs` doubling to `maxMs`; default 500 ms to 15 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface KeptStarting {
  /** Resolves true once an attempt succeeded, false when stopped first. */
  readonly started: Promise<boolean>;
  /** Settles with the first attempt, whatever its outcome: for a boot that waited for one try before. */
  readonly firstAttempt: Promise<void>;
  /** No attempt after this one; cuts the wait short. Does not wait for an attempt in flight (the consumer's own stop does). */
  stop(): void;
}

/**
 * Starts a consumer in the background and, when it cannot start — the broker not up yet at
 * boot, a topic whose partitions have no leader yet — tries again until it does or the service
 * stops. Boot does not wait for the broker; before this, a consumer whose first start failed
 * stayed down for the life of the process, and its copy silently stopped following.
 */
export function keepStarting(start: () => Promise<void>, options: KeepStartingOptions): KeptStarting {
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 500, maxMs: 15_000 };
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  let tried: () => void = () => undefined;
  const firstAttempt = new Promise<void>((resolve) => (tried = resolve));
  const started = (async () => {
    let wait = initialMs;
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await start();
        return !stopped;
      } catch (e) {
        if (stopped) return false;
        try {
          options.onError(e, attempt);
        } catch {
          // A report that failed must not end the retrying (nor leave `started` rejected, unobserved).
        }
        tried();
        await pause(wait);
        wait = Math.min(wait * 2, maxMs);
      }
    }
    return false;
  })();
  void started.finally(tried);
  return {
    started,
    firstAttempt,
    stop() {
      stopped = true;
      wake?.();
    },
  };
}

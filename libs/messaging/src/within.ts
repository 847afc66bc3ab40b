/**
 * `running`'s outcome, or the error `late` makes once `ms` passed; the running work is left behind
 * (a promise cannot be cancelled), so callers must not start it again beside itself.
 */
export async function within<T>(running: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, ms));
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

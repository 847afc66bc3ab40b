/**
 * `writers` loops sharing `total` calls of `writer(w, i)` (i counts per writer), all at once;
 * the wall time in ms. How the benches fill a store quickly: 16 writers of 100-event appends.
 */
export async function runWriters(total: number, writers: number, writer: (w: number, i: number) => Promise<void>): Promise<number> {
  const per = Math.ceil(total / writers);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < per; i++) await writer(w, i);
    }),
  );
  return performance.now() - t;
}

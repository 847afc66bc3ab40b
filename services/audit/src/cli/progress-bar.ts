/**
 * `[#########-----------]  45% 1,234/2,700 streams · 12 s left`, from work done so far and the time
 * it took; with no total (a server that did not say how much is coming) only `1,234 streams`: no
 * bar and no time left, rather than a guess. Used by verify, export and completeness.
 */
export function progressLine(done: number, total: number | undefined, elapsedMs: number, width = 24, unit = 'streams'): string {
  const n = new Intl.NumberFormat('en-US');
  if (total === undefined) return `${n.format(done)} ${unit}`;
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${bar} ${pct} ${n.format(done)}/${n.format(total)} ${unit} · ${timeLeft(done, total, elapsedMs)}`;
}

/** Remaining time at the rate so far; unknown until something is done. */
export function timeLeft(done: number, total: number, elapsedMs: number): string {
  if (done >= total) return 'done';
  if (done === 0 || elapsedMs <= 0) return 'estimating…';
  const s = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  if (s < 60) return `${s} s left`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

/**
 * Runs one read or verification of the whole benchmark store in a fresh process, so its
 * peak RSS is that work's and not the benchmark's — or times as-of folds of one stream there,
 * away from the benchmark's heap. Prints one JSON line.
 *   node -r @swc-node/register bench/event-store/child.ts <url> <schema> read|verify|verify-chain
 *   node -r @swc-node/register bench/event-store/child.ts <url> <schema> as-of <stream id>
 */
import { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { latencies, scoreFold } from './as-of-fold';

async function main(): Promise<void> {
  const [url, schema, mode, streamId] = process.argv.slice(2) as [string, string, string, string | undefined];
  if (mode === 'as-of') return asOf(url, schema, streamId!);
  const baselineRssMb = Math.round(process.memoryUsage().rss / 1048576);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = new PostgresEventStore(pool, { schema });
  const t = performance.now();
  let events = 0;
  let ok = true;
  if (mode === 'read') {
    for await (const b of store.readAll({ batchSize: 2000 })) events += b.events.length;
  } else {
    const r = await store.verify({}, { checkColumns: mode === 'verify' });
    events = r.checkedEvents;
    ok = r.ok;
  }
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await pool.end();
  process.stdout.write(
    JSON.stringify({
      mode,
      events,
      ok,
      ms: Math.round(ms),
      perSec: Math.round((events * 1000) / ms),
      baselineRssMb,
      peakRssMb: Math.round(peak / 1048576),
    }) + '\n',
  );
}

/** The as-of figure's 300 timed folds (bench/event-store/as-of-fold.ts), as run.ts times them in its own process. */
async function asOf(url: string, schema: string, streamId: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 2 });
  const store = new PostgresEventStore(pool, { schema });
  const figure = await latencies(300, async () => {
    const r = await store.asOf(streamId, scoreFold, { recordedAt: new Date() });
    if (r.version !== 1000) throw new Error(`as-of folded ${r.version} events`);
  });
  await pool.end();
  process.stdout.write(JSON.stringify(figure) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

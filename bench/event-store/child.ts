/**
 * Runs one read or verification of the whole benchmark store in a fresh process, so its
 * peak RSS is that work's and not the benchmark's. Prints one JSON line.
 *   node -r @swc-node/register bench/event-store/child.ts <url> <schema> read|verify|verify-chain
 */
import { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';

async function main(): Promise<void> {
  const [url, schema, mode] = process.argv.slice(2) as [string, string, string];
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

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

/**
 * Runs one roster import in a fresh process, so its peak RSS is the import's own.
 *   node -r @swc-node/register bench/organization/import-child.ts <database-url> <file> <actorOrgId> [dry]
 * Prints one JSON line.
 */
import { DataSource } from 'typeorm';
import {
  AesGcmPersonalDataCipher,
  dataSourceSql,
} from '../../services/organization/src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { PgRosterImports } from '../../services/organization/src/infrastructure/roster/pg-roster-imports';
import { SystemClock } from '../../services/organization/src/infrastructure/system/system-clock';

async function main(): Promise<void> {
  const [url, file, orgId, dry] = process.argv.slice(2) as [string, string, string, string | undefined];
  const baselineRssMb = Math.round(process.memoryUsage().rss / 1048576);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const ds = new DataSource({ type: 'postgres', url, schema: 'organization', extra: { max: 4 } });
  await ds.initialize();
  const sut = new PgRosterImports(ds, await AesGcmPersonalDataCipher.load(dataSourceSql(ds)), new SystemClock());
  const t = performance.now();
  const job = await sut.runToEnd({
    actor: { sub: 'bench', username: 'bench', roles: ['admin'], orgId, kind: 'service' },
    correlationId: 'bench-import',
    kind: 'members',
    format: 'csv',
    dryRun: dry === 'dry',
    file,
  });
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await ds.destroy();
  process.stdout.write(
    JSON.stringify({
      status: job.status,
      rowsProcessed: job.rowsProcessed,
      rowsImported: job.rowsImported,
      errorCount: job.errorCount,
      firstError: job.errors[0] ?? null,
      ms: Math.round(ms),
      baselineRssMb,
      peakRssMb: Math.round(peak / 1048576),
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

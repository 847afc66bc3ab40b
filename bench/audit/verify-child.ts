/**
 * One verification of both audited stores in a fresh process, so its peak RSS is that work's
 * alone (as bench/event-store/child.ts measures the store's own verify). Prints one JSON line.
 *   node -r @swc-node/register bench/audit/verify-child.ts <reader url> audit | raw
 *
 * audit: the audit service's own code — verifyStores over an AuditReader on the pool that
 *        GET /verify gets (verificationConnections, two connections of the read-only role), as
 *        GET /verify runs it (scope: everything: each store's whole-store pass, ADR 0078).
 * raw:   the Postgres ceiling beside it — every row's hash, prev_hash and canonical text of
 *        both stores read in position order, pages of 2,000, on one connection; no checking.
 */
import { Pool } from 'pg';
import { AuditReader } from '../../services/audit/src/application/audit-reader';
import { verifyStores } from '../../services/audit/src/application/verify-stores';
import { AUDITED_SCHEMAS } from '../../services/audit/src/infrastructure/audit-database';
import { evaluationUpcasters } from '../../services/audit/src/infrastructure/evaluation-upcasters';
import { verificationConnections } from '../../services/audit/src/infrastructure/verification-connections';

async function main(): Promise<void> {
  const [url, mode] = process.argv.slice(2) as [string, 'audit' | 'raw'];
  const baselineRssMb = Math.round(process.memoryUsage.rss() / 1048576);
  const control = new Pool({ connectionString: url, max: 1 });
  const connection = mode === 'audit' ? verificationConnections(url, control)(2) : null;
  const pool = connection?.pool ?? new Pool({ connectionString: url, max: 1, application_name: `bench-audit-verify-${mode}` });
  const t = performance.now();
  let events = 0;
  let streams = 0;
  let ok = true;
  if (mode === 'audit') {
    const reader = new AuditReader(pool, { evaluation: 'evaluation', commendation: 'commendation' }, { evaluation: evaluationUpcasters });
    const r = await verifyStores(reader, { everything: true });
    events = r.checkedEvents;
    streams = r.checkedStreams;
    ok = r.ok;
  } else {
    for (const schema of AUDITED_SCHEMAS) {
      let after = 0;
      for (;;) {
        const { rows } = await pool.query<{ position: string; hash: string; prev_hash: string; canonical: string }>(
          `select position, hash, prev_hash, canonical from "${schema}".events where position > $1 order by position limit 2000`,
          [after],
        );
        if (rows.length === 0) break;
        events += rows.length;
        after = Number(rows.at(-1)!.position);
      }
    }
  }
  const ms = performance.now() - t;
  // The kernel's high-water mark of this process's resident set (getrusage): the true peak, where
  // sampling memoryUsage() every 20 ms cost 5 % of the process's time and could miss a spike.
  const peak = process.resourceUsage().maxRSS * 1024;
  await (connection ? connection.close() : pool.end());
  await control.end();
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      mode,
      events,
      streams,
      ok,
      ms: Math.round(ms),
      perSec: Math.round((events * 1000) / ms),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      baselineRssMb,
      peakRssMb: Math.round(peak / 1048576),
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

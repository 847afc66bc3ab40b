/**
 * `npm run bench:audit`: the proof core in memory (proofs.ts), then the figures that need the
 * stores and the service (service.ts), each in a process of its own, with the same arguments
 * (each ignores the other's). `--no-service`: the proof core only (no database, under a minute);
 * `--service-only`: the store figures only. With `--json` each prints its own JSON line.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const parts = [...(argv.includes('--service-only') ? [] : ['proofs.ts']), ...(argv.includes('--no-service') ? [] : ['service.ts'])];
for (const file of parts) {
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, file), ...argv], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Forgets again everyone in a forget ledger, after a database restore.
//
//   npm run keys:reapply-forgets -- <ledger file> [--database platform|test]
//
// A full restore brings back every subject key forgotten after the backup was taken (the
// wrapped key is in the backup, and the KEK still opens it). The ledger, kept outside the
// database (EventStoreOptions.forgetLedger, fileForgetLedger), lists every forget; this
// destroys those keys again and deletes the snapshots that folded them. Idempotent.
// Procedure: docs/operations.md, "Keys".
import { readFile } from 'node:fs/promises';
import { Pool } from 'pg';
import { parseForgetLedger, reapplyForgets, type ReapplyReport } from '@vanguard/event-store';
import { UsageError, databaseArg, databaseUrlOf } from '@vanguard/infra-config';

export async function reapplyForgetLedger(pool: Pool, ledgerPath: string): Promise<ReapplyReport> {
  return reapplyForgets(pool, parseForgetLedger(await readFile(ledgerPath, 'utf8')));
}

async function main(): Promise<void> {
  const { database, rest } = databaseArg(process.argv.slice(2));
  const ledger = rest.find((a) => !a.startsWith('--'));
  if (!ledger) throw new UsageError('give the forget ledger file: npm run keys:reapply-forgets -- <file>');
  const pool = new Pool({ connectionString: databaseUrlOf(database), max: 2 });
  try {
    const r = await reapplyForgetLedger(pool, ledger);
    process.stdout.write(
      `[keys] ${r.reforgotten} restored keys destroyed again, ${r.tombstoned} subjects marked forgotten, ${r.alreadyForgotten} already forgotten\n`,
    );
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`[keys] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}

// Publishes every organisation's and member's current state again on the compacted state topics.
//
//   npm run --silent organization:republish-state [-- --database platform|test]
//
// Notes every organisation and member, and every deleted one, in organization.roster_state_changes;
// the organization service's running roster-state publisher then sends each state (a deleted one's
// removal) again, signed, at a new version.
// For after records that were not the organization service's reached a state topic (ADR 0130):
// procedure in docs/operations.md, "Roster state topics".
import { Pool } from 'pg';
import { UsageError, databaseArg, databaseUrlOf, serviceDatabaseUrl } from '@vanguard/infra-config';
import { noteEveryState } from '../services/organization/src/infrastructure/roster-state/republish-states';

async function main(): Promise<void> {
  const { database, rest } = databaseArg(process.argv.slice(2));
  if (rest.length) throw new UsageError(`unexpected argument(s) ${rest.join(' ')}: the only option is --database platform|test`);
  // As the service role, in its schema: the notes table and its rows are the organization service's.
  const url = new URL(serviceDatabaseUrl('organization', databaseUrlOf(database)));
  url.searchParams.set('options', '-c search_path=organization');
  const pool = new Pool({ connectionString: url.toString(), max: 1 });
  try {
    const r = await noteEveryState(pool);
    process.stdout.write(
      `[republish-state] noted ${r.organizations} organisations, ${r.members} members and ${r.removals} deleted ones; the organization service's publisher sends their states and removals again\n`,
    );
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`[republish-state] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}

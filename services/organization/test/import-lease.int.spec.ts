import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { csvLine } from '@vanguard/spreadsheet';
import { demoOrgId } from '@vanguard/infra-config';
import type { Actor } from '../src/application/ports/actor';
import { PgRosterImports } from '../src/infrastructure/roster/pg-roster-imports';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { childCode } from './support/organization-test-app';
import { aroundImportClientQueries, importStore, withImportFile } from './support/roster-fixtures';

const ORGANIZER: Actor = { sub: randomUUID(), username: 'lease-int', roles: ['organizer'], orgId: demoOrgId('910425'), kind: 'user' };

// One import per user at a time (the lease): a user who sees the job finished and starts the next
// at once must not be refused 429 because the first still held its lease while letting go of its
// file and lock. Seen as a failure of roster-id-number-oracle.e2e on a clean-clone run.
describe(`${PgRosterImports.name}: the lease is back once the job reads as finished`, () => {
  const store = importStore('org_import_lease');

  it.each(['dry run', 'import', 'refused file'] as const)('%s: when the job first reads as finished, its lease is back', async (kind) => {
    const imports = new PgRosterImports(store.ds, store.cipher, new SystemClock());
    let released = false;
    const lease = { signal: new AbortController().signal, release: () => void (released = true) };
    // What a poller reads at the first moment the job's clean-up starts (its lock let go on the job's own client).
    let seenAtCleanUp: { status: string; released: boolean } | undefined;
    aroundImportClientQueries((store.ds.driver as unknown as { master: Pool }).master, async (query, args) => {
      if (typeof args[0] === 'string' && args[0].includes('pg_advisory_unlock') && !seenAtCleanUp) {
        const [id] = args[1] as [string];
        seenAtCleanUp = { status: String((await imports.find(id))?.status), released };
      }
      return query(...args);
    });
    const header = csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']);
    const row = csvLine([childCode('910425101'), '租约村', 'village', 'branch', 'rural', '910425101', '2001-01-01', 'false']);
    const csv = kind === 'refused file' ? `${header}${'"'.repeat(3)}\n` : `${header}${row}`;

    const job = await withImportFile('organizations.csv', csv, (file) =>
      imports.runToEnd({
        actor: ORGANIZER,
        correlationId: randomUUID(),
        kind: 'organizations',
        format: 'csv',
        dryRun: kind === 'dry run',
        file,
        lease,
      }),
    );

    expect(job.status).not.toMatch(/^(queued|running)$/);
    expect(seenAtCleanUp).toEqual({ status: job.status, released: true });
  });
});

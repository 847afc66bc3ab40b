import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import type { Actor } from '../src/application/ports/actor';
import type { RowError } from '../src/application/roster/roster-format';
import type { JobState } from '../src/infrastructure/roster/import-jobs';
import { loadSubtree } from '../src/infrastructure/roster/import-run';
import { MemberImport } from '../src/infrastructure/roster/member-import';
import { PgIdNumberChecks } from '../src/infrastructure/roster/pg-id-number-checks';
import { idNumberCheckLimits } from '../src/application/roster/id-number-checks';
import type { PersonalDataCipher } from '../src/application/ports/personal-data-cipher.port';

/**
 * A member import reads the caller's subtree once, at its start, and writes batch by batch, for
 * minutes on a large file. A move that takes an organisation out of the caller's subtree in
 * between must refuse that organisation's rows, as enrolment refuses them (ADR 0112): the batch
 * re-reads each organisation's path under its row lock (lockImportTargets).
 */
describe('a member import against a move that commits while it runs (real Postgres)', () => {
  let db: TestSchema;
  let pool: Pool;
  // A county; townships A (the caller's) and B; general branch G under A; village V under G.
  const [C, A, B, G, V] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const actor = { sub: 'township-secretary', username: 'township-secretary', roles: ['branch_secretary'], orgId: A, kind: 'user' } as Actor;

  beforeAll(async () => {
    db = await createTestSchema('import_move');
    pool = db.pool;
    for (const t of ['organizations', 'members', 'member_history', 'stream_versions', 'vanguard_outbox'])
      await pool.query(`create table ${t} (like organization.${t} including all)`);
    const org = (id: string, code: string, level: string, kind: string, parent: string | null, path: string, depth: number) =>
      pool.query(
        `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on, version)
         values ($1, $2, $2, $3, $4, 'rural', $5, $6, $7, '2005-01-01', 1)`,
        [id, code, level, kind, parent, path, depth],
      );
    await org(C, '9', 'county', 'committee', null, `/${C}/`, 0);
    await org(A, '91', 'township', 'committee', C, `/${C}/${A}/`, 1);
    await org(B, '92', 'township', 'committee', C, `/${C}/${B}/`, 1);
    await org(G, '911', 'village', 'general_branch', A, `/${C}/${A}/${G}/`, 2);
    await org(V, '9111', 'village', 'branch', G, `/${C}/${A}/${G}/${V}/`, 3);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** One real (not dry) import of one member row under V, with the subtree read beforehand. */
  const importOne = async (subtree: Awaited<ReturnType<typeof loadSubtree>>, name: string): Promise<RowError[]> => {
    const importer = new MemberImport(
      { blindIndex: () => '', encrypt: () => '' } as unknown as PersonalDataCipher,
      { today: () => '2026-12-03', now: () => new Date() },
      // No ID numbers in the rows: nothing is looked up or held (an empty hold writes nothing).
      new PgIdNumberChecks(() => pool, idNumberCheckLimits()),
    );
    const state = {
      id: randomUUID(),
      rowsProcessed: 0,
      rowsImported: 0,
      errorCount: 0,
      errors: [],
      budgeted: false,
    } as unknown as JobState;
    const errors: RowError[] = [];
    const client = await pool.connect();
    try {
      await client.query('begin');
      await importer.run(
        Readable.from([
          {
            row: 2,
            cells: { org_code: '9111', name, status: 'full', joined_on: '2001-07-01', roles: '', posts: '', id_number: '', phone: '' },
          },
        ]),
        {
          input: { actor, dryRun: false, correlationId: randomUUID(), kind: 'members', format: 'csv', file: '' },
          client,
          state,
          orgs: subtree,
          report: (e) => {
            errors.push(...e);
            state.errorCount += e.length;
          },
          tick: () => Promise.resolve(),
        },
      );
      await client.query(errors.length ? 'rollback' : 'commit');
    } finally {
      client.release();
    }
    return errors;
  };
  const membersNamed = async (name: string) => (await pool.query(`select 1 from members where name = $1`, [name])).rowCount;

  it('writes the row when nothing moved', async () => {
    expect(await importOne(await loadSubtree(pool, actor), '党员甲')).toEqual([]);
    expect(await membersNamed('党员甲')).toBe(1);
  });

  it('refuses the row of an organisation a move took out of the caller’s subtree after the import read it', async () => {
    const subtree = await loadSubtree(pool, actor);
    // The county moves G, V with it, from township A to township B (paths and versions, as the repository writes them).
    await pool.query(
      `update organizations set path = replace(path, $1, $2), version = version + 1, parent_id = case when id = $3 then $4::uuid else parent_id end
        where path like $1 || '%'`,
      [`/${C}/${A}/${G}/`, `/${C}/${B}/${G}/`, G, B],
    );
    const errors = await importOne(subtree, '党员乙');
    expect(errors).toEqual([{ row: 2, column: 'org_code', reason: expect.stringContaining('was moved during the import') }]);
    expect(await membersNamed('党员乙')).toBe(0);
  });
});

import { createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE, grantOrgTreeRead } from '../src/infrastructure/audit-database';

/**
 * Audit prepared before evaluation's migration created the tree copy's history (ADR 0081): the
 * reader still gets the tree as it stands, so the service starts; the history is granted once it
 * exists. The review found one GRANT naming both failing as a whole.
 */
describe(grantOrgTreeRead.name, () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('audit_grant');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    // The copy as evaluation had it before its history migration.
    await db.pool.query(`create table "${db.schema}".org_tree (id uuid primary key)`);
  });
  afterAll(() => db.drop());

  const canRead = async (table: string) =>
    (
      await db.pool.query<{ ok: boolean }>(`select has_table_privilege($1, $2, 'select') as ok`, [
        AUDIT_READER_ROLE,
        `"${db.schema}".${table}`,
      ])
    ).rows[0]!.ok;

  it('grantOrgTreeRead_WhenTheHistoryIsNotMigratedYet_GrantsTheTreeAndSaysTheHistoryWasNot', async () => {
    await expect(grantOrgTreeRead(db.pool, db.schema)).resolves.toBe(false);
    expect(await canRead('org_tree')).toBe(true);
  });

  it('grantOrgTreeRead_OnceTheHistoryExists_GrantsItToo', async () => {
    await db.pool.query(`create table "${db.schema}".org_tree_history (id uuid)`);
    expect(await canRead('org_tree_history')).toBe(false);
    await expect(grantOrgTreeRead(db.pool, db.schema)).resolves.toBe(true);
    expect(await canRead('org_tree_history')).toBe(true);
  });
});

import { Client, Pool } from 'pg';
import { createReadOnlyRole, createServiceRole, migrate as migrateEventStore } from '@vanguard/event-store';
import { serviceRole } from '@vanguard/infra-config';

/** The stores the audit service reads: the two event-sourced contexts (DESIGN.md, Audit trail). */
export const AUDITED_SCHEMAS = ['evaluation', 'commendation'] as const;
export type AuditedContext = (typeof AUDITED_SCHEMAS)[number];

/** Login role the audit service reads the audited stores with: SELECT only, never personal_keys. */
export const AUDIT_READER_ROLE = 'vg_audit_reader';

const password = () => process.env['VG_SERVICE_DB_PASSWORD'] ?? 'vanguard-dev';

/** Connection string of the read-only reader role on the same database as `databaseUrl`. */
export function auditReaderUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.username = AUDIT_READER_ROLE;
  u.password = password();
  return u.toString();
}

/**
 * Run by `npm run migrate` as the admin, after the audited stores exist:
 * - `vg_audit_reader` (login) gets USAGE on the evaluation and commendation schemas and SELECT on
 *   `events`, `events_view` and `streams` — what reading, folding and verifying need. Not
 *   `personal_keys` (even wrapped, subject keys are not an auditor's to hold), not snapshots
 *   (the store skips them when personal data is withheld) nor anything else of the stores: a replay's
 *   connection can write nothing anywhere.
 * - and SELECT on the evaluation service's copy of the organisation tree (`evaluation.org_tree`,
 *   fed from the organization service's signed events) and on its history: what scopes an auditor
 *   to a subtree and lists a subtree's organisations as of an instant (ADR 0056, 0081), without a
 *   consumer of the audit service's own.
 * - the audit service's own schema `audit` holds the auditors' trail as an event store, written
 *   by `vg_audit` through the store's functions only (INSERT/SELECT on events, no UPDATE/DELETE).
 */
export async function prepareAuditDatabase(adminUrl: string): Promise<void> {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  try {
    for (const schema of AUDITED_SCHEMAS) {
      await createReadOnlyRole(admin, { schema, role: AUDIT_READER_ROLE, password: password() });
      // The lib's read-only role also reads snapshots and checkpoints; replays with personal data withheld need neither.
      await admin.query(`revoke all on "${schema}".snapshots, "${schema}".subscription_checkpoints from "${AUDIT_READER_ROLE}"`);
    }
    if (!(await grantOrgTreeRead(admin, 'evaluation')))
      process.stderr.write(
        '[migrate] audit: evaluation.org_tree_history does not exist yet; subtrees as of an instant fail until it is migrated\n',
      );
    const dbName = new URL(adminUrl).pathname.slice(1);
    await admin.query(`grant connect on database "${dbName}" to "${AUDIT_READER_ROLE}"`);
    await admin.query(`revoke create on schema public from "${AUDIT_READER_ROLE}"`);
    await ensureTrailStore(admin, adminUrl);
  } finally {
    await admin.end();
  }
}

/** Postgres' SQLSTATE for a relation that does not exist. */
const UNDEFINED_TABLE = '42P01';

/**
 * SELECT on `<schema>.org_tree` and its history `<schema>.org_tree_history` for the reader role:
 * the tree as it stands decides who may ask, the history which organisations a subtree held at an
 * instant (ADR 0081). Tests grant it on a schema of their own.
 *
 * Two statements, and a missing history tolerated: one GRANT naming both failed as a whole when
 * audit was prepared before evaluation's migration created the history, so the service lost its
 * tree grant too and could not start. Without the history only the subtree-as-of and diff answers
 * fail, until the next `npm run migrate` (which runs evaluation's migrations first) grants it.
 * Returns whether the history was granted.
 */
export async function grantOrgTreeRead(db: Pick<Pool, 'query'>, schema: string): Promise<boolean> {
  await db.query(`grant select on "${schema}".org_tree to "${AUDIT_READER_ROLE}"`);
  try {
    await db.query(`grant select on "${schema}".org_tree_history to "${AUDIT_READER_ROLE}"`);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === UNDEFINED_TABLE) return false;
    throw e;
  }
}

async function ensureTrailStore(admin: Pool, adminUrl: string): Promise<void> {
  const role = serviceRole('audit');
  const db = new Client({ connectionString: adminUrl });
  await db.connect();
  try {
    const exists = await db.query('select 1 from pg_roles where rolname = $1', [role]);
    if (exists.rowCount === 0) await db.query(`create role "${role}" login password '${password().replace(/'/g, "''")}'`);
    await db.query(`create schema if not exists audit`);
    await db.query(`grant connect on database "${new URL(adminUrl).pathname.slice(1)}" to "${role}"`);
    await db.query(`revoke create on schema public from "${role}"`);
  } finally {
    await db.end();
  }
  // The trail's tables belong to the admin, as the audited stores' do: the service may only append and read.
  await migrateEventStore(admin, { schema: 'audit' });
  await createServiceRole(admin, { schema: 'audit', role });
}

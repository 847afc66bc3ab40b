// Re-wraps every personal-data key under the active key-encryption key, without downtime.
//
//   VANGUARD_KEK=<new id>:<key> VANGUARD_KEK_PREVIOUS=<old id>:<key> npm run keys:rotate [-- options]
//     --database platform|test   which database (default platform)
//     --schema <name>            only this schema (repeatable); default every schema with key tables.
//                                The end report still counts every schema, so it never clears the
//                                old KEK while a schema left out holds keys under it
//     --settle-ms <n>            how long a staged data key stays readable-only before it encrypts
//                                (default twice the services' key refresh period)
//   npm run keys:rotate -- --generate <id>   prints a new random KEK to put in VANGUARD_KEK
//
// Data keys are re-wrapped, never re-generated, so every stored value and blind index stays
// as it is; each service's table also gets one new data key for new values (staged first, so
// every running instance reads it before any writes with it). Every step is idempotent and
// commits in small batches: run it again after an interruption and it goes on from there.
// Procedure and the order of deploys: docs/operations.md, "Keys".
import { Pool } from 'pg';
import { rotatePersonalKeys } from '@vanguard/event-store';
import { UsageError, databaseArg, databaseUrlOf, parseCount } from '@vanguard/infra-config';
import { activateStagedKey, formatKek, kekRingFromEnv, newKek, pgSql, rewrapAndStage, type KekRing } from '@vanguard/keys';
import { CIPHER_REFRESH_MS } from '../services/organization/src/infrastructure/crypto/aes-gcm-personal-data-cipher';

export interface RotationReport {
  readonly kekId: string;
  readonly dataKeys: { schema: string; rewrapped: number; staged: string | null; activated: string | null }[];
  readonly subjectKeys: { schema: string; rewrapped: number; wrapped: number }[];
  /** Keys of the rotated schemas still under another KEK afterwards (0 once done). */
  readonly left: number;
  /**
   * Every schema of the database, rotated or not, with keys still under another KEK, and how
   * many: the old KEK may leave only when this is empty.
   */
  readonly leftAnywhere: { schema: string; left: number }[];
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function schemasWith(pool: Pool, table: string, column: string, only: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ s: string }>(
    `select table_schema as s from information_schema.columns
      where table_name = $1 and column_name = $2 and (cardinality($3::text[]) = 0 or table_schema = any($3))
      order by 1`,
    [table, column, only],
  );
  return rows.map((r) => r.s);
}

/** A schema or table dropped since it was listed (another deploy's or a test's scratch schema): it holds no keys. */
const GONE = new Set(['3F000', '42P01']);

/**
 * Keys in `schema` under a KEK other than `kekId`, subject keys stored raw among them; 0 when it
 * has no key tables, or no longer has them: the schemas are listed first and counted one by one.
 */
export async function keysLeft(pool: Pool, kekId: string, data: boolean, store: boolean, schema: string): Promise<number> {
  try {
    return await countKeysLeft(pool, kekId, data, store, schema);
  } catch (e) {
    if (GONE.has((e as { code?: string }).code ?? '')) return 0;
    throw e;
  }
}

async function countKeysLeft(pool: Pool, kekId: string, data: boolean, store: boolean, schema: string): Promise<number> {
  let left = 0;
  if (data) {
    const { rows } = await pool.query<{ n: string }>(`select count(*) as n from ${ident(schema)}.data_keys where kek_id <> $1`, [kekId]);
    left += Number(rows[0]!.n);
  }
  if (store) {
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from ${ident(schema)}.personal_keys
        where forgotten_at is null and ((wrapped is not null and kek_id <> $1) or (wrapped is null and key is not null))`,
      [kekId],
    );
    left += Number(rows[0]!.n);
  }
  return left;
}

export async function rotateKeys(
  pool: Pool,
  ring: KekRing,
  options: { schemas?: readonly string[]; settleMs?: number; log?: (line: string) => void } = {},
): Promise<RotationReport> {
  const only = options.schemas ?? [];
  const log = options.log ?? (() => undefined);
  const settleMs = options.settleMs ?? 2 * CIPHER_REFRESH_MS;
  const dataSchemas = await schemasWith(pool, 'data_keys', 'created_under', only);
  const storeSchemas = await schemasWith(pool, 'personal_keys', 'wrapped', only);
  // A mistyped name rotated nothing and then reported nothing left.
  const unknown = only.filter((s) => !dataSchemas.includes(s) && !storeSchemas.includes(s));
  if (unknown.length) {
    const known = [
      ...new Set([
        ...(await schemasWith(pool, 'data_keys', 'created_under', [])),
        ...(await schemasWith(pool, 'personal_keys', 'wrapped', [])),
      ]),
    ].sort();
    throw new UsageError(`--schema ${unknown.join(', ')}: no key tables there; schemas with keys: ${known.join(', ') || 'none'}`);
  }

  const staged = [];
  for (const schema of dataSchemas) {
    const step = await rewrapAndStage(pgSql(pool), ring, `${ident(schema)}.data_keys`);
    log(
      `[keys] ${schema}.data_keys: ${step.rewrapped} re-wrapped, ${step.staged ? `staged ${step.staged}` : 'new data key already staged'}`,
    );
    staged.push({ schema, ...step });
  }
  const settled = Date.now() + settleMs;
  // The subject keys while the staged data keys reach every instance.
  const subjectKeys = [];
  for (const schema of storeSchemas) {
    const r = await rotatePersonalKeys(pool, schema, ring);
    log(`[keys] ${schema}.personal_keys: ${r.rewrapped} re-wrapped, ${r.wrapped} wrapped (were stored raw)`);
    subjectKeys.push({ schema, ...r });
  }
  const wait = settled - Date.now();
  if (wait > 0 && staged.some((s) => s.pending)) {
    log(`[keys] waiting ${Math.ceil(wait / 1000)} s for every instance to load the staged data keys`);
    await new Promise((r) => setTimeout(r, wait));
  }
  const dataKeys = [];
  for (const s of staged) {
    const activated = await activateStagedKey(pgSql(pool), ring, `${ident(s.schema)}.data_keys`);
    if (activated) log(`[keys] ${s.schema}: new values now under ${activated}`);
    dataKeys.push({ schema: s.schema, rewrapped: s.rewrapped, staged: s.staged, activated });
  }
  // Every schema, not only the rotated ones: whether the old KEK may go depends on all of them.
  const allData = await schemasWith(pool, 'data_keys', 'created_under', []);
  const allStores = await schemasWith(pool, 'personal_keys', 'wrapped', []);
  const leftAnywhere = [];
  for (const schema of [...new Set([...allData, ...allStores])].sort()) {
    const n = await keysLeft(pool, ring.active.id, allData.includes(schema), allStores.includes(schema), schema);
    if (n > 0) leftAnywhere.push({ schema, left: n });
  }
  const rotated = new Set([...dataSchemas, ...storeSchemas]);
  const left = leftAnywhere.filter((l) => rotated.has(l.schema)).reduce((n, l) => n + l.left, 0);
  return { kekId: ring.active.id, dataKeys, subjectKeys, left, leftAnywhere };
}

/** The closing sentence: the previous KEKs may go only when no schema at all holds a key under them. */
export function rotationVerdict(report: RotationReport): string {
  if (report.left > 0) return `[keys] ${report.left} keys are still under another KEK (locked or written meanwhile): run keys:rotate again`;
  if (report.leftAnywhere.length > 0)
    return (
      `[keys] every key of the schemas rotated is under ${report.kekId}, but ${report.leftAnywhere.map((l) => `${l.schema} (${l.left})`).join(', ')} ` +
      `still hold keys under another KEK: keep the previous KEKs in VANGUARD_KEK_PREVIOUS and run keys:rotate for those schemas too`
    );
  return `[keys] every key is under ${report.kekId}; the previous KEKs may leave VANGUARD_KEK_PREVIOUS once every instance runs with ${report.kekId} active`;
}

function args(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === `--${name}` && argv[i + 1]) out.push(argv[i + 1]!);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  });
  return out;
}

async function main(): Promise<void> {
  const { database, rest } = databaseArg(process.argv.slice(2));
  const generate = args(rest, 'generate')[0];
  if (generate) {
    process.stdout.write(`${formatKek(newKek(generate))}\n`);
    return;
  }
  const ring = kekRingFromEnv();
  if (ring.development) {
    throw new Error(
      'VANGUARD_KEK is not set: set it to the new key (`npm run keys:rotate -- --generate <id>`) and the old one in VANGUARD_KEK_PREVIOUS',
    );
  }
  const settle = args(rest, 'settle-ms')[0];
  const settleMs = settle === undefined ? undefined : parseCount(settle);
  // NaN once skipped the wait, and a data key encrypted before every instance could read it.
  if (settle !== undefined && settleMs === undefined)
    throw new UsageError(`--settle-ms must be a whole number of milliseconds, not ${JSON.stringify(settle)}`);
  const pool = new Pool({ connectionString: databaseUrlOf(database), max: 2 });
  try {
    const report = await rotateKeys(pool, ring, { schemas: args(rest, 'schema'), settleMs, log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(`${rotationVerdict(report)}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
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

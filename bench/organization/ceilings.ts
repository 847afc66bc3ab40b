/**
 * What Postgres alone allows the enrolment path on this machine, for bench/organization/http.ts
 * to print beside what the service does through HTTP (issue 8, defect 11). Each ceiling runs
 * its statements straight from `pg`, one transaction per operation, as many clients as HTTP had,
 * on scratch tables in `public` dropped afterwards (nothing reaches the service's outbox or Kafka).
 *
 * - raw INSERT: one row per transaction, the ceiling of a commit;
 * - raw INSERT + NOTIFY: the same into a table with a per-statement `pg_notify` trigger, as the
 *   outbox's wake-up does: a committing transaction that notifies holds Postgres's global notify
 *   lock through its WAL flush, so such commits cannot share a flush;
 * - enrolment SQL: the statements one enrolment sends once it is admitted (begin; the
 *   organisation FOR SHARE; member and history in one statement; stream version and outbox
 *   row, notify trigger included, in one; commit) on copies of its tables with their indexes.
 */
import type { Pool } from 'pg';

export type Op = (i: number) => Promise<void>;

/** Creates the scratch tables of `kind`, hands the operation to `run`, and drops them whatever happens. */
export async function withCeiling<T>(
  pool: Pool,
  kind: 'insert' | 'notify' | 'enrolment',
  orgId: string,
  run: (op: Op) => Promise<T>,
): Promise<T> {
  await pool.query(DROP);
  try {
    if (kind === 'insert') {
      await pool.query(
        `create table public.bench_ceiling (id uuid primary key default gen_random_uuid(), org_id uuid, name text, at timestamptz default now())`,
      );
      return await run(async (i) => {
        await pool.query(`insert into public.bench_ceiling (org_id, name) values ($1, $2)`, [orgId, `probe ${i}`]);
      });
    }
    if (kind === 'notify') {
      await pool.query(
        `create table public.bench_ceiling (id uuid primary key default gen_random_uuid(), org_id uuid, name text, at timestamptz default now())`,
      );
      await pool.query(NOTIFY_FN);
      await pool.query(
        `create trigger bench_ceiling_notify after insert on public.bench_ceiling for each statement execute function public.bench_ceiling_notify()`,
      );
      return await run(async (i) => {
        await pool.query(`insert into public.bench_ceiling (org_id, name) values ($1, $2)`, [orgId, `probe ${i}`]);
      });
    }
    for (const sql of ENROLMENT_TABLES) await pool.query(sql);
    return await run((i) => enrolmentSql(pool, orgId, i));
  } finally {
    await pool.query(DROP);
  }
}

const NOTIFY_FN = `create or replace function public.bench_ceiling_notify() returns trigger language plpgsql as $fn$
  begin perform pg_notify('bench_ceiling', ''); return null; end $fn$`;

const ENROLMENT_TABLES = [
  `create table public.bench_members (like organization.members including defaults including constraints including indexes)`,
  `alter table public.bench_members add foreign key (org_id) references organization.organizations (id)`,
  `create table public.bench_member_history (like organization.member_history including constraints including indexes)`,
  `alter table public.bench_member_history alter column id add generated always as identity`,
  `create table public.bench_stream_versions (like organization.stream_versions including all)`,
  // Without the defaults, which would draw on the real tables' sequences.
  `create table public.bench_outbox (like organization.vanguard_outbox including constraints including indexes)`,
  `alter table public.bench_outbox alter column id add generated always as identity, alter column created_at set default now()`,
  NOTIFY_FN,
  `create trigger bench_ceiling_notify after insert on public.bench_outbox for each statement execute function public.bench_ceiling_notify()`,
];

const DROP = `drop table if exists public.bench_ceiling, public.bench_member_history, public.bench_members, public.bench_stream_versions, public.bench_outbox;
  drop function if exists public.bench_ceiling_notify()`;

/** An enrolment's transaction as the service sends it, minus everything the service computes. */
async function enrolmentSql(pool: Pool, orgId: string, i: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query(`select id, path, status from organization.organizations where id = $1 for share`, [orgId]);
    const { rows } = await c.query<{ id: string }>(
      `with m as (
         insert into public.bench_members (id, org_id, name, status, joined_on, roles, posts, id_number_enc, phone_enc, id_number_hash, membership, version)
         values (gen_random_uuid(), $1, $2, 'full', '2010-07-01', '{}', '{}', $3, null, $4, 'active', 1) returning id)
       insert into public.bench_member_history (member_id, on_day, kind, org_id, detail)
       select m.id, '2010-07-01', 'joined', $1, null from m returning member_id`,
      [orgId, `压测党员 ${i}`, 'x'.repeat(120), `h${i}-${Math.random()}`],
    );
    const streamId = `member-${rows[0]!.id}`;
    await c.query(
      `with v as (insert into public.bench_stream_versions (stream_id, version) values ($2, 1)
         on conflict (stream_id) do update set version = bench_stream_versions.version + 1 returning version)
       insert into public.bench_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
       select gen_random_uuid(), 'organization.MemberJoined', 1, $2, 'vanguard.organization.members', jsonb_set($1::jsonb, '{streamVersion}', to_jsonb(v.version)) from v`,
      [JSON.stringify({ streamId, data: { memberId: rows[0]!.id, orgId }, pad: 'x'.repeat(400) }), streamId],
    );
    await c.query('commit');
  } catch (e) {
    await c.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * What Postgres alone allows the roster sync on this machine, printed beside the end-to-end
 * figure by bench/county/roster-sync.ts, in the same run and the same scratch schema:
 *
 * - raw INSERT: one row per transaction (the commit ceiling, as bench/organization prints it);
 * - roster sync SQL: for each batch of `batch` members, one transaction with the multi-row
 *   statements the sync writes (members, their history, links, stream counters, outbox rows for
 *   MemberJoined + CountyMemberLinked + the reply, inbox rows, subject sequences), from `pg`
 *   with arrays built up front: no decoding, token check, domain or Kafka.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export interface Ceiling {
  readonly label: string;
  readonly perSecond: number;
}

export async function rawInsertCeiling(pool: Pool, seconds: number): Promise<Ceiling> {
  await pool.query(`create table bench_ceiling (id uuid primary key default gen_random_uuid(), name text, at timestamptz default now())`);
  try {
    let n = 0;
    const end = Date.now() + seconds * 1000;
    const t0 = process.hrtime.bigint();
    while (Date.now() < end) await pool.query(`insert into bench_ceiling (name) values ($1)`, [`probe ${n++}`]);
    return { label: 'raw INSERT, one row per transaction, 1 client', perSecond: n / (Number(process.hrtime.bigint() - t0) / 1e9) };
  } finally {
    await pool.query(`drop table bench_ceiling`);
  }
}

/** The sync's writes for `members` members in batches of `batch`, on the service's tables; removed afterwards. */
export async function rosterSqlCeiling(pool: Pool, orgId: string, members: number, batch: number): Promise<Ceiling> {
  const client = 'bench-ceiling';
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < members; done += batch) {
    const n = Math.min(batch, members - done);
    const ids = Array.from({ length: n }, () => randomUUID());
    const county = Array.from({ length: n }, () => randomUUID());
    const msg = Array.from({ length: n }, () => randomUUID());
    const c = await pool.connect();
    try {
      await c.query('begin');
      await c.query(
        `with ins as (
           insert into members (id, org_id, name, status, joined_on, roles, posts, membership, version)
           select u.id, $2, u.name, 'full', date '2001-07-01', '{}', '{}', 'active', 1 from unnest($1::uuid[], $3::text[]) as u(id, name)
           returning id, org_id, joined_on)
         insert into member_history (member_id, on_day, kind, org_id, detail) select id, joined_on, 'joined', org_id, 'full' from ins`,
        [ids, orgId, ids.map((_, i) => `ceiling ${done + i}`)],
      );
      await c.query(
        `insert into county_member_links (county_client_id, county_member_id, member_id, org_id) select $1, u.c, u.m, $4 from unnest($2::uuid[], $3::uuid[]) as u(c, m)`,
        [client, county, ids, orgId],
      );
      const streams = ids.map((id) => `member-${id}`);
      await c.query(
        `insert into stream_versions (stream_id, version) select s, 2 from unnest($1::text[]) as s
         on conflict (stream_id) do update set version = stream_versions.version + 2`,
        [streams],
      );
      const rows = 3 * n;
      const envelope = JSON.stringify({ bench: 'ceiling', data: { name: 'x'.repeat(200) } });
      await c.query(
        `insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
         select gen_random_uuid(), 'bench.Ceiling', 1, s, 'bench.ceiling', $2::jsonb from unnest($1::text[]) as s`,
        [Array.from({ length: rows }, (_, i) => streams[i % n]), envelope],
      );
      await c.query(
        `insert into county_messages (county_client_id, message_id, message_type, subject, sequence, payload_sha256, outcome, recorded_at)
         select $1, m, 'county.RosterMemberSynced', 'roster-member-' || k, 1, 'x', 'applied', now() from unnest($2::uuid[], $3::uuid[]) as u(m, k)`,
        [client, msg, county],
      );
      await c.query(
        `insert into county_subjects (county_client_id, subject, last_sequence) select $1, 'roster-member-' || k, 1 from unnest($2::uuid[]) as k
         on conflict (county_client_id, subject) do update set last_sequence = excluded.last_sequence`,
        [client, county],
      );
      await c.query('commit');
    } finally {
      c.release();
    }
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { label: `roster sync SQL alone, batches of ${batch}`, perSecond: members / s };
}

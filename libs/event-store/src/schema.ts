import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { applyMigrations, type Migration } from './migration-runner';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema and role names are interpolated into SQL, so they must be plain lower-case identifiers. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`${what} ${JSON.stringify(name)} must match ${IDENTIFIER}`);
  return name;
}

/** SQLSTATE raised by append_events when the expected version does not match (DETAIL carries the actual one). */
export const CONCURRENCY_SQLSTATE = 'VGES1';
/** SQLSTATE raised by the append-only trigger. */
export const APPEND_ONLY_SQLSTATE = 'VGES2';
/**
 * SQLSTATE raised by the append functions when the transaction got its id before another
 * append to the stream committed (DETAIL names the stream): nothing it wrote is committed,
 * and running it again in a new transaction can succeed.
 */
export const STALE_TRANSACTION_SQLSTATE = 'VGES3';

/**
 * The channel `append_events_many` notifies when its transaction commits. Postgres refuses
 * channel names of 64 bytes or more, so a long schema name gets a digest instead; schema
 * names are plain lower-case identifiers (assertIdentifier), so both forms are ASCII.
 */
export function storeChannel(schema: string): string {
  const readable = `vanguard_es_${assertIdentifier(schema, 'schema')}`;
  return readable.length <= 63 ? readable : `vanguard_es_${createHash('md5').update(schema).digest('hex')}`;
}

/** The first key of a schema's stream locks, as SQL; the second is hashtext(stream id). */
export function streamLockSpace(schema: string): string {
  return `hashtext('vanguard.event-store.stream:${schema}')`;
}

/**
 * Store migration 1 (see STORE_MIGRATIONS): stores record its checksum when they apply it, and
 * refuse to migrate once it changes. Do not edit it for a new change: append migration 2.
 */
export function migrationSql(schema: string): string {
  const s = `"${assertIdentifier(schema, 'schema')}"`;
  const channel = storeChannel(schema);
  // The first key of this schema's stream locks (the second is hashtext(stream id)); the
  // subscription and relay leases use other first keys, and migrate the one-key form.
  const lockSpace = streamLockSpace(schema);
  return /* sql */ `
create schema if not exists ${s};

-- One row per stream: the head the next append chains from, locked FOR UPDATE while appending.
create table if not exists ${s}.streams (
  stream_id   text primary key,
  category    text not null,
  version     bigint not null,
  last_hash   text not null,
  updated_at  timestamptz not null default now()
);
-- The id of the transaction that appended the head: an append from an older transaction
-- would read before it in the global order, so it is refused (append_events_many).
alter table ${s}.streams add column if not exists last_xid xid8;

create table if not exists ${s}.events (
  position        bigint generated always as identity primary key,
  -- Readers of "all" order by (transaction_id, position) and only read below the oldest
  -- running transaction, so a late commit can never be skipped.
  transaction_id  xid8 not null default pg_current_xact_id(),
  stream_id       text not null,
  stream_version  bigint not null,
  event_id        uuid not null,
  type            text not null,
  version         integer not null,
  occurred_at     timestamptz not null,
  recorded_at     timestamptz not null,
  org_id          text not null,
  correlation_id  text not null,
  causation_id    text,
  prev_hash       text not null,
  hash            text not null,
  -- The exact RFC 8785 text that was hashed: hash = sha256(prev_hash || canonical). It is the
  -- event: readers parse it, and actor/data/metadata live only here (see events_view). The
  -- columns above are projections of it for indexes and filters; verify() checks they agree.
  canonical       text not null,
  constraint events_stream_version_key unique (stream_id, stream_version),
  constraint events_event_id_key unique (event_id)
);
create index if not exists events_global_order_idx on ${s}.events (transaction_id, position);

-- For SQL over event contents (reports, audits): the JSON parts, parsed from the hashed text.
create or replace view ${s}.events_view as
  select e.position, e.transaction_id, e.stream_id, e.stream_version, e.event_id, e.type, e.version,
         e.occurred_at, e.recorded_at, e.org_id, e.correlation_id, e.causation_id,
         c.doc->'actor' as actor, c.doc->'data' as data, c.doc->'metadata' as metadata, e.prev_hash, e.hash
    from ${s}.events e, lateral (select e.canonical::jsonb as doc) c;

create table if not exists ${s}.subscription_checkpoints (
  subscription    text primary key,
  transaction_id  xid8 not null,
  position        bigint not null,
  updated_at      timestamptz not null default now()
);

-- Snapshots are a cache: keyed by the fold's version, so changing the fold ignores old ones.
create table if not exists ${s}.snapshots (
  stream_id        text not null,
  fold_version     text not null,
  stream_version   bigint not null,
  max_recorded_at  timestamptz not null,
  state            jsonb not null,
  created_at       timestamptz not null default now(),
  primary key (stream_id, fold_version)
);

-- A snapshot that folded personal values is sealed under those subjects' keys and lists
-- them in subjects, so forget drops it. Snapshots from before sealing may hold personal
-- values in clear: they are a cache, so adding the column drops them once.
do $snap$
begin
  if not exists (select 1 from information_schema.columns
                  where table_schema = '${schema}' and table_name = 'snapshots' and column_name = 'subjects') then
    delete from ${s}.snapshots;
    alter table ${s}.snapshots add column subjects text[] not null default '{}';
  end if;
end
$snap$;
create index if not exists snapshots_subjects_idx on ${s}.snapshots using gin (subjects);

-- Crypto-shredding: one AES-256 key per person, stored wrapped (AES-256-GCM) under the
-- operator's key-encryption key kek_id, never in clear; forgetting nulls it and sets
-- forgotten_at. key holds a raw key from before wrapping until keys:rotate wraps it.
create table if not exists ${s}.personal_keys (
  subject_id    text primary key,
  key           bytea,
  created_at    timestamptz not null default now(),
  forgotten_at  timestamptz
);
alter table ${s}.personal_keys add column if not exists key_id text;
alter table ${s}.personal_keys add column if not exists kek_id text;
alter table ${s}.personal_keys add column if not exists wrapped bytea;

create or replace function ${s}.refuse_event_change() returns trigger
language plpgsql as $fn$
begin
  raise exception using
    errcode = '${APPEND_ONLY_SQLSTATE}',
    message = format('%I.%I is append-only: %s refused', tg_table_schema, tg_table_name, tg_op);
end
$fn$;

create or replace trigger events_append_only
  before update or delete on ${s}.events
  for each row execute function ${s}.refuse_event_change();
create or replace trigger events_no_truncate
  before truncate on ${s}.events
  for each statement execute function ${s}.refuse_event_change();

-- One round trip for one or many appends (group commit). First it takes a transaction-level
-- advisory lock per stream, in stream-id byte order (so groups, and callers that append
-- several streams in that order, do not deadlock on them), before anything writes: a transaction gets its id at its first write, so a group's id is
-- then newer than that of every earlier writer of its streams, and readers, which order by
-- (transaction_id, position), meet each stream's versions in order. A caller's transaction
-- may have written (and got its id) before it waited here; if another append to the stream
-- committed meanwhile with a newer id (streams.last_xid), the append raises
-- ${STALE_TRANSACTION_SQLSTATE} and the whole transaction must be run again. Then, per request in
-- (stream, arrival) order: check the expected version, chain the hashes over the canonical
-- texts the client sent (head || version || tail); then, set-based, move the heads and insert
-- the events parsed from exactly those texts. A request whose expected version does not
-- match appends nothing and comes back as one row with o_position null and o_actual set;
-- the others still commit. Any other error fails the whole group. Appending notifies
-- ${channel}: Postgres delivers it only if the transaction commits, once per transaction
-- however many appends it made, and subscriptions and relays LISTEN for it instead of polling.
create or replace function ${s}.append_events_many(
  p_stream_ids text[], p_categories text[], p_expected bigint[], p_counts int[], p_heads text[], p_tails text[]
) returns table (o_request int, o_position bigint, o_stream_version bigint, o_transaction_id xid8, o_hash text, o_actual bigint)
language plpgsql as $fn$
declare
  v_requests int := coalesce(cardinality(p_stream_ids), 0);
  v_events   int := coalesce(cardinality(p_heads), 0);
  v_starts   int[];
  v_bases    bigint[];
  v_prevs    text[];
  v_hashes   text[];
  v_xid      xid8;
  v_key      int;
  v_req      int;
  v_stream   text;
  v_current  text;
  v_version  bigint;
  v_hash     text;
  v_last_xid xid8;
  v_j        int;
  v_appended int := 0;
  v_rows     int;
begin
  if v_requests = 0 or cardinality(p_categories) <> v_requests or cardinality(p_expected) <> v_requests
     or cardinality(p_counts) <> v_requests or v_events <> coalesce(cardinality(p_tails), 0)
     or (select sum(c) from unnest(p_counts) c) <> v_events
     or exists (select 1 from unnest(p_counts) c where c is null or c < 1) then
    raise exception 'append_events_many: requests, counts, heads and tails do not line up';
  end if;
  for v_key in select hashtext(u.sid) from unnest(p_stream_ids) as u(sid) group by u.sid order by u.sid collate "C" loop
    perform pg_advisory_xact_lock(${lockSpace}, v_key);
  end loop;
  v_xid := pg_current_xact_id_if_assigned();
  v_starts := array_fill(0, array[v_requests]);
  v_bases := array_fill(null::bigint, array[v_requests]);
  v_prevs := array_fill(null::text, array[v_events]);
  v_hashes := array_fill(null::text, array[v_events]);
  for v_req in 2 .. v_requests loop
    v_starts[v_req] := v_starts[v_req - 1] + p_counts[v_req - 1];
  end loop;
  for v_req in select u.r::int from unnest(p_stream_ids) with ordinality as u(sid, r) order by u.sid, u.r loop
    v_stream := p_stream_ids[v_req];
    if v_stream is distinct from v_current then
      select st.version, st.last_hash, st.last_xid into v_version, v_hash, v_last_xid
        from ${s}.streams st where st.stream_id = v_stream;
      if not found then
        v_version := 0; v_hash := repeat('0', 64); v_last_xid := null;
      end if;
      v_current := v_stream;
    end if;
    if p_expected[v_req] is not null and p_expected[v_req] <> v_version then
      o_request := v_req; o_position := null; o_stream_version := null; o_transaction_id := null;
      o_hash := null; o_actual := v_version;
      return next;
      continue;
    end if;
    if v_xid < v_last_xid then
      raise exception using
        errcode = '${STALE_TRANSACTION_SQLSTATE}',
        message = format('stream %s: an append committed after this transaction began writing; run the transaction again', v_stream),
        detail = v_stream;
    end if;
    v_bases[v_req] := v_version;
    for i in 1 .. p_counts[v_req] loop
      v_j := v_starts[v_req] + i;
      v_prevs[v_j] := v_hash;
      v_hash := encode(sha256(convert_to(v_hash || p_heads[v_j] || (v_version + i)::text || p_tails[v_j], 'UTF8')), 'hex');
      v_hashes[v_j] := v_hash;
    end loop;
    v_version := v_version + p_counts[v_req];
    v_appended := v_appended + p_counts[v_req];
  end loop;
  if v_appended = 0 then
    return;
  end if;
  insert into ${s}.streams as st (stream_id, category, version, last_hash, last_xid)
  select distinct on (u.sid) u.sid, u.cat, v_bases[u.r] + p_counts[u.r], v_hashes[v_starts[u.r] + p_counts[u.r]], pg_current_xact_id()
    from unnest(p_stream_ids, p_categories) with ordinality as u(sid, cat, r)
   where v_bases[u.r] is not null
   order by u.sid, u.r desc
  on conflict (stream_id) do update
    set version = excluded.version, last_hash = excluded.last_hash, last_xid = excluded.last_xid, updated_at = now();
  perform pg_notify('${channel}', '');
  return query
    with ev as (
      select u.r::int as r, u.sid, v_bases[u.r] + g.i as ver, v_starts[u.r] + g.i as j
        from unnest(p_stream_ids) with ordinality as u(sid, r)
        cross join lateral generate_series(1, p_counts[u.r]) as g(i)
       where v_bases[u.r] is not null
    ), texts as (
      select ev.r, ev.sid, ev.ver, ev.j, x.prev, x.hash, x.head || ev.ver::text || x.tail as txt
        from ev join unnest(p_heads, p_tails, v_prevs, v_hashes) with ordinality as x(head, tail, prev, hash, j) on x.j = ev.j
    ), parsed as materialized (
      select t.*, t.txt::jsonb as d from texts t
    ), ins as (
      insert into ${s}.events as e (
        stream_id, stream_version, event_id, type, version, occurred_at, recorded_at,
        org_id, correlation_id, causation_id, prev_hash, hash, canonical)
      select p.sid, p.ver, (p.d->>'eventId')::uuid, p.d->>'type', (p.d->>'version')::int,
             (p.d->>'occurredAt')::timestamptz, (p.d->>'recordedAt')::timestamptz,
             p.d->>'orgId', p.d->>'correlationId', p.d->>'causationId', p.prev, p.hash, p.txt
        from parsed p
       where p.d->>'streamId' = p.sid and (p.d->>'streamVersion')::bigint = p.ver
       order by p.j
      returning e.position, e.stream_id, e.stream_version, e.transaction_id, e.hash)
    select ev.r, ins.position, ins.stream_version, ins.transaction_id, ins.hash, null::bigint
      from ins join ev on ev.sid = ins.stream_id and ev.ver = ins.stream_version
     order by ins.position;
  get diagnostics v_rows = row_count;
  if v_rows <> v_appended then
    raise exception 'append_events_many: an event''s text names another stream or version than the one it is appended to';
  end if;
end
$fn$;

-- One append on its own (inside a caller's transaction): a version mismatch raises
-- SQLSTATE ${CONCURRENCY_SQLSTATE} with the actual version as DETAIL.
create or replace function ${s}.append_events(
  p_stream_id text, p_category text, p_expected bigint, p_heads text[], p_tails text[]
) returns table (o_position bigint, o_stream_version bigint, o_transaction_id xid8, o_hash text)
language plpgsql as $fn$
declare
  r record;
begin
  if coalesce(cardinality(p_heads), 0) = 0 or cardinality(p_heads) <> coalesce(cardinality(p_tails), 0) then
    raise exception 'append_events: heads and tails must be non-empty and of equal length';
  end if;
  for r in select * from ${s}.append_events_many(
      array[p_stream_id], array[p_category], array[p_expected], array[cardinality(p_heads)], p_heads, p_tails) loop
    if r.o_position is null then
      raise exception using
        errcode = '${CONCURRENCY_SQLSTATE}',
        message = format('stream %s: expected version %s, actual %s', p_stream_id, p_expected, r.o_actual),
        detail = r.o_actual::text;
    end if;
    o_position := r.o_position; o_stream_version := r.o_stream_version;
    o_transaction_id := r.o_transaction_id; o_hash := r.o_hash;
    return next;
  end loop;
end
$fn$;
`;
}

/**
 * The store's schema history, applied in order and recorded with checksums (see
 * applyMigrations). Migration 1 is the DDL above as it stands; a later change to the store's
 * tables or functions goes in a new entry appended here, never into an applied one.
 */
export const STORE_MIGRATIONS: readonly Migration[] = [{ id: 1, name: 'baseline', sql: migrationSql }];

/**
 * Creates (or brings up to date) the store's tables, functions and triggers in `schema`:
 * applies the store migrations it has not had yet. Safe to run from several processes at once
 * (advisory lock); refuses when an applied migration changed since (MigrationHistoryError).
 */
export async function migrate(pool: Pool, options: { schema: string }): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('set local client_min_messages = warning');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`vanguard.event-store:${options.schema}`]);
    await applyMigrations(client, assertIdentifier(options.schema, 'schema'), STORE_MIGRATIONS);
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

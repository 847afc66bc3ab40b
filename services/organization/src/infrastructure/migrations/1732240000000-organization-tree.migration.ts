import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation tree, members, transfers, contact points and per-stream event versions
 * (the outbox table itself comes from @vanguard/messaging's migration).
 * `path` is the materialised path of ids (`/<root>/…/<self>/`), indexed with
 * text_pattern_ops so a subtree is one prefix range scan; ltree would need an extension
 * the service role may not create.
 */
export class OrganizationTree1732240000000 implements MigrationInterface {
  name = 'OrganizationTree1732240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table organizations (
        id uuid primary key,
        code text not null,
        name text not null,
        level text not null check (level in ('province','city','county','township','village')),
        kind text not null check (kind in ('committee','general_branch','branch')),
        sector text not null check (sector in ('rural','community','state_enterprise','government_organ','university','public_institution','private_enterprise','social_organization')),
        parent_id uuid references organizations(id),
        path text not null,
        depth smallint not null,
        established_on date not null,
        temporary boolean not null default false,
        status text not null default 'active' check (status in ('active','merged','dissolved')),
        merged_into_id uuid references organizations(id),
        version integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint organizations_code_key unique (code)
      )`);
    await q.query(`create index organizations_path_idx on organizations (path text_pattern_ops)`);
    await q.query(`create index organizations_parent_idx on organizations (parent_id)`);
    await q.query(`
      create table members (
        id uuid primary key,
        org_id uuid not null references organizations(id),
        name text not null,
        status text not null check (status in ('full','probationary')),
        joined_on date not null,
        roles text[] not null default '{}',
        posts text[] not null default '{}',
        id_number_enc text,
        phone_enc text,
        id_number_hash text,
        membership text not null default 'active' check (membership in ('active','left')),
        version integer not null default 0,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index members_org_idx on members (org_id, id)`);
    await q.query(
      `create unique index members_id_number_hash_key on members (id_number_hash) where id_number_hash is not null and membership = 'active'`,
    );
    await q.query(`
      create table member_history (
        id bigserial primary key,
        member_id uuid not null references members(id),
        on_day date not null,
        kind text not null,
        org_id uuid not null,
        detail text
      )`);
    await q.query(`create index member_history_member_idx on member_history (member_id, id)`);
    await q.query(`
      create table member_transfers (
        id uuid primary key,
        member_id uuid not null references members(id),
        from_org_id uuid not null references organizations(id),
        to_org_id uuid not null references organizations(id),
        requested_on date not null,
        deadline date not null,
        status text not null check (status in ('requested','accepted','rejected','completed')),
        decided_on date,
        completed_on date,
        reason text,
        version integer not null default 0
      )`);
    await q.query(
      `create unique index member_transfers_one_open_idx on member_transfers (member_id) where status in ('requested','accepted')`,
    );
    await q.query(
      `create index member_transfers_open_deadline_idx on member_transfers (deadline) where status in ('requested','accepted')`,
    );
    await q.query(`
      create table contact_points (
        id uuid primary key,
        org_id uuid not null references organizations(id),
        leader_id uuid not null,
        leader_name text not null,
        established_on date not null
      )`);
    await q.query(`create index contact_points_org_idx on contact_points (org_id)`);
    await q.query(`
      create table contact_point_visits (
        id uuid primary key,
        contact_point_id uuid not null references contact_points(id),
        visited_on date not null,
        visited text not null,
        solved text not null
      )`);
    await q.query(`create index contact_point_visits_cp_idx on contact_point_visits (contact_point_id, visited_on desc)`);
    await q.query(`
      create table stream_versions (
        stream_id text primary key,
        version integer not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'stream_versions',
      'contact_point_visits',
      'contact_points',
      'member_transfers',
      'member_history',
      'members',
      'organizations',
    ]) {
      await q.query(`drop table if exists ${t}`);
    }
  }
}

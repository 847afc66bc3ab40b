import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assistance schema (issue 14). Money is `bigint` fen. The funds ledger is append-only
 * (a trigger refuses UPDATE and DELETE of entries; a correction is a reversing entry) and each
 * project/source balance row carries a check that it never goes negative, the backstop behind
 * the domain's rule. The roster tables are assistance's own copy of the organization state
 * topics (ADR 0029), as evaluation keeps one: no personal data.
 */
export class Assistance1764900000000 implements MigrationInterface {
  readonly name = 'Assistance1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table roster_organizations (
        id uuid primary key,
        parent_id uuid,
        path uuid[] not null,
        code text not null,
        name text not null,
        level text not null,
        sector text not null,
        status text not null,
        version bigint not null
      )`);
    await q.query(`create index roster_organizations_path_idx on roster_organizations using gin (path)`);
    await q.query(`
      create table roster_members (
        id uuid primary key,
        org_id uuid not null,
        membership text not null,
        roles text[] not null,
        version bigint not null
      )`);
    await q.query(`
      create table stream_versions (
        stream_id text primary key,
        version integer not null
      )`);
    await q.query(`
      create table pairings (
        id uuid primary key,
        org_id uuid not null,
        helper_unit_name text not null,
        helper_org_id uuid,
        starts_on date not null,
        ends_on date not null,
        goals jsonb not null,
        lagging boolean not null,
        village_plan text,
        five_fixed_points jsonb,
        recorded_at timestamptz not null,
        recorded_by text not null,
        check (ends_on >= starts_on)
      )`);
    await q.query(`create index pairings_org_idx on pairings (org_id)`);
    await q.query(`
      create table cadres (
        id uuid primary key,
        member_id uuid not null,
        org_id uuid not null,
        role text not null,
        sending_unit_name text not null,
        starts_on date not null,
        ends_on date not null,
        recorded_at timestamptz not null,
        check (ends_on >= starts_on)
      )`);
    await q.query(`create index cadres_org_idx on cadres (org_id)`);
    await q.query(`
      create table households (
        id uuid primary key,
        org_id uuid not null,
        label text not null,
        head_name text not null,
        recorded_at timestamptz not null,
        unique (org_id, label)
      )`);
    await q.query(`
      create table contact_cards (
        cadre_id uuid not null references cadres (id),
        household_id uuid not null references households (id),
        issued_on date not null,
        primary key (cadre_id, household_id)
      )`);
    await q.query(`create index contact_cards_household_idx on contact_cards (household_id)`);
    await q.query(`
      create table diary_entries (
        id uuid primary key,
        cadre_id uuid not null references cadres (id),
        written_on date not null,
        text text not null,
        recorded_at timestamptz not null
      )`);
    await q.query(`create index diary_entries_cadre_idx on diary_entries (cadre_id, written_on)`);
    await q.query(`
      create table visits (
        id uuid primary key,
        cadre_id uuid not null references cadres (id),
        org_id uuid not null,
        visited_on date not null,
        summary text not null,
        recorded_at timestamptz not null
      )`);
    await q.query(`
      create table visit_households (
        visit_id uuid not null references visits (id),
        household_id uuid not null references households (id),
        visited_on date not null,
        primary key (visit_id, household_id)
      )`);
    await q.query(`create index visit_households_household_idx on visit_households (household_id, visited_on)`);
    // Logged once: the id is the client's (a retry repeats it) and one village cannot hold the same deed twice on a day.
    await q.query(`
      create table deeds (
        id uuid primary key,
        org_id uuid not null,
        pairing_id uuid references pairings (id),
        cadre_id uuid references cadres (id),
        category text not null,
        title text not null,
        done_on date not null,
        amount_fen bigint check (amount_fen is null or amount_fen >= 0),
        households_helped integer not null check (households_helped >= 0),
        recorded_at timestamptz not null,
        unique (org_id, done_on, title)
      )`);
    await q.query(`
      create table projects (
        id uuid primary key,
        org_id uuid not null,
        pairing_id uuid references pairings (id),
        name text not null,
        category text not null,
        budget_fen bigint not null check (budget_fen >= 0),
        beneficiary_households integer not null check (beneficiary_households >= 0),
        status text not null,
        planned_on date not null,
        last_step_on date not null,
        satisfaction text,
        recorded_at timestamptz not null
      )`);
    await q.query(`create index projects_org_idx on projects (org_id, status)`);
    await q.query(`
      create table milestones (
        id uuid primary key,
        project_id uuid not null references projects (id),
        title text not null,
        due_on date not null,
        reached_on date
      )`);
    await q.query(`create index milestones_open_idx on milestones (due_on) where reached_on is null`);
    await q.query(`
      create table fund_balances (
        project_id uuid not null references projects (id),
        source text not null,
        allocated_fen bigint not null,
        disbursed_fen bigint not null,
        primary key (project_id, source),
        constraint fund_balance_never_negative check (disbursed_fen >= 0 and allocated_fen >= disbursed_fen)
      )`);
    await q.query(`
      create table fund_movements (
        id uuid primary key,
        project_id uuid not null references projects (id),
        source text not null,
        kind text not null check (kind in ('allocation', 'disbursement', 'reversal')),
        amount_fen bigint not null check (amount_fen > 0),
        on_day date not null,
        purpose text,
        reverses_id uuid unique references fund_movements (id),
        balance_after_fen bigint not null check (balance_after_fen >= 0),
        recorded_at timestamptz not null,
        recorded_by text not null,
        check ((kind = 'reversal') = (reverses_id is not null))
      )`);
    await q.query(`create index fund_movements_project_idx on fund_movements (project_id, recorded_at)`);
    await q.query(`
      create function fund_movements_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'fund_movements is append-only: correct with a reversing entry' using errcode = 'P0001';
      end $$`);
    await q.query(`
      create trigger fund_movements_append_only before update or delete on fund_movements
      for each row execute function fund_movements_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'fund_movements',
      'fund_balances',
      'milestones',
      'projects',
      'deeds',
      'visit_households',
      'visits',
      'diary_entries',
      'contact_cards',
      'households',
      'cadres',
      'pairings',
      'stream_versions',
      'roster_members',
      'roster_organizations',
    ])
      await q.query(`drop table if exists ${t}`);
    await q.query(`drop function if exists fund_movements_append_only()`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The publicity schema (issue 15). Exemplars and commendations come from consumed events;
 * `honour_roll_state.version` moves with every change the honour roll shows, in the same
 * transaction, so its ETag is that number and a revocation is off the roll the moment it
 * commits. Attachments live here as bytea (ADR 0037). No ID-card or phone numbers anywhere.
 */
export class Publicity1765500000005 implements MigrationInterface {
  readonly name = 'Publicity1765500000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table commendations (
        nomination_id uuid primary key,
        programme_id uuid not null,
        category text not null,
        nominee_kind text not null,
        nominee_id uuid not null,
        name text not null,
        org_id uuid not null,
        org_name text not null,
        document_number text not null,
        decided_on date not null,
        revoked_on date,
        revoked_reason text,
        revoked_document text
      )`);
    await q.query(`create index commendations_roll_idx on commendations (decided_on desc, nomination_id) where revoked_on is null`);
    await q.query(`
      create table exemplars (
        id uuid primary key,
        status text not null check (status in ('proposed', 'published', 'declined', 'withdrawn')),
        source_kind text not null check (source_kind in ('commendation', 'quarter_pioneer')),
        source_stream text not null,
        source_event_id uuid not null unique,
        nomination_id uuid unique references commendations (nomination_id),
        subject_kind text not null,
        subject_id uuid not null,
        name text,
        org_id uuid not null,
        org_name text,
        category text not null,
        story text not null,
        decline_reason text,
        proposed_at timestamptz not null,
        published_on date,
        decided_by text,
        version integer not null default 1
      )`);
    await q.query(`create index exemplars_status_idx on exemplars (status, published_on desc)`);
    // Evaluation's selection names only ids: the nomination's deeds are kept to tell the story.
    await q.query(`
      create table pioneer_nominations (
        stream_id text not null,
        candidate_id uuid not null,
        deeds text not null,
        primary key (stream_id, candidate_id)
      )`);
    await q.query(`
      create table honour_roll_state (
        id integer primary key check (id = 1),
        version bigint not null,
        changed_at timestamptz not null
      )`);
    await q.query(`insert into honour_roll_state values (1, 1, now())`);
    await q.query(`
      create table honour_roll_history (
        id bigserial primary key,
        at timestamptz not null,
        change text not null check (change in ('commended', 'published', 'revoked', 'withdrawn')),
        name text not null,
        org_name text,
        category text not null,
        document_number text,
        reason text
      )`);
    await q.query(`
      create table columns (
        id uuid primary key,
        org_id uuid not null,
        name text not null,
        description text not null default '',
        created_at timestamptz not null,
        unique (org_id, name)
      )`);
    await q.query(`
      create table articles (
        id uuid primary key,
        org_id uuid not null,
        column_id uuid references columns (id),
        title text not null,
        body_html text not null,
        status text not null check (status in ('draft', 'in_review', 'published')),
        author_sub text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null default 1
      )`);
    await q.query(`create index articles_org_idx on articles (org_id)`);
    await q.query(`
      create table article_publications (
        article_id uuid not null references articles (id),
        outlet text not null,
        outlet_key text not null,
        level text not null check (level in ('central', 'provincial', 'municipal', 'county')),
        channel text not null check (channel in ('press', 'radio', 'tv', 'web', 'briefing', 'sms')),
        published_on date not null,
        link text,
        recorded_by text not null,
        primary key (article_id, outlet_key)
      )`);
    await q.query(`create index article_publications_day_idx on article_publications (published_on)`);
    await q.query(`
      create table media_weights (
        key text primary key,
        weight integer not null check (weight between 0 and 1000),
        set_by text not null,
        set_at timestamptz not null
      )`);
    await q.query(`
      create table attachments (
        id uuid primary key,
        owner_kind text not null check (owner_kind in ('article', 'exemplar')),
        owner_id uuid not null,
        content_type text not null,
        size integer not null,
        sha256 text not null,
        bytes bytea not null,
        uploaded_by text not null,
        uploaded_at timestamptz not null
      )`);
    await q.query(`create index attachments_owner_idx on attachments (owner_kind, owner_id)`);
    await q.query(`
      create table stream_versions (
        stream_id text primary key,
        version integer not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'stream_versions',
      'attachments',
      'media_weights',
      'article_publications',
      'articles',
      'columns',
      'honour_roll_history',
      'honour_roll_state',
      'pioneer_nominations',
      'exemplars',
      'commendations',
    ])
      await q.query(`drop table if exists ${t}`);
  }
}

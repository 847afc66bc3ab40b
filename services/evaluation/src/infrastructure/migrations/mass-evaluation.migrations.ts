import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ballot box of 群众评议 (ADR 0027). Three tables that share only the window id:
 * - `mass_evaluation_window`: what voting needs from the stream (dates, voters, codes issued);
 * - `mass_evaluation_code`: the unused one-time codes, as keyed hashes only; a code's row is
 *   deleted in the transaction that casts its ballot, and every remaining one when the window closes;
 * - `mass_evaluation_ballot`: the ballots — no key, no sequence, no time, no code, no voter.
 */
export class MassEvaluationBallotBox1764730000000 implements MigrationInterface {
  readonly name = 'MassEvaluationBallotBox1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists mass_evaluation_window (
        window_id uuid primary key,
        org_id uuid not null,
        eligible_voters integer not null check (eligible_voters > 0),
        codes_issued integer not null default 0,
        opens_on date not null,
        closes_on date not null,
        status text not null default 'open' check (status in ('open', 'closed')),
        constraint mass_evaluation_codes_within_voters check (codes_issued between 0 and eligible_voters)
      )`);
    await q.query(`
      create table if not exists mass_evaluation_code (
        window_id uuid not null references mass_evaluation_window (window_id),
        code_hash bytea not null,
        primary key (window_id, code_hash)
      )`);
    // Deliberately no primary key, identity, timestamp or code column: nothing to order or join by.
    await q.query(`
      create table if not exists mass_evaluation_ballot (
        window_id uuid not null references mass_evaluation_window (window_id),
        rating text not null check (rating in ('satisfied', 'basically_satisfied', 'dissatisfied')),
        comment text check (char_length(comment) between 1 and 500)
      )`);
    await q.query(`create index if not exists mass_evaluation_ballot_window_idx on mass_evaluation_ballot (window_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists mass_evaluation_ballot`);
    await q.query(`drop table if exists mass_evaluation_code`);
    await q.query(`drop table if exists mass_evaluation_window`);
  }
}

/**
 * A foreign key from ballot to window makes every ballot key-share-lock the one window row, so
 * concurrent voters of a window queue on it (multixacts). The cast statement only inserts a
 * ballot for a window it just joined, so the key adds no safety there; it goes.
 */
export class MassEvaluationBallotWithoutWindowLock1764730000001 implements MigrationInterface {
  readonly name = 'MassEvaluationBallotWithoutWindowLock1764730000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table mass_evaluation_ballot drop constraint if exists mass_evaluation_ballot_window_id_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table mass_evaluation_ballot add constraint mass_evaluation_ballot_window_id_fkey foreign key (window_id) references mass_evaluation_window (window_id)`,
    );
  }
}

/**
 * Only the service's own role reads the ballot box (ADR 0027, Limits). Ballot rows carry no time, but
 * their xmin and ctid follow cast order until the window closes, and a dump taken during voting keeps
 * that order: any other reader could line ballots up against outside evidence of who voted when. So
 * every grant on the ballot and code tables is taken back, from PUBLIC and from any named role
 * (an auditor's read-only role included); the service role owns them and keeps its rights.
 */
export class MassEvaluationBallotBoxOwnerOnly1764730000002 implements MigrationInterface {
  readonly name = 'MassEvaluationBallotBoxOwnerOnly1764730000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$
      declare
        g record;
      begin
        revoke all on mass_evaluation_ballot, mass_evaluation_code from public;
        for g in
          select distinct a.grantee::regrole::text as name
            from pg_class c, aclexplode(c.relacl) a
           where c.oid in ('mass_evaluation_ballot'::regclass, 'mass_evaluation_code'::regclass)
             and a.grantee <> 0 and a.grantee <> c.relowner
        loop
          execute format('revoke all on mass_evaluation_ballot, mass_evaluation_code from %s', g.name);
        end loop;
      end $$`);
  }

  async down(): Promise<void> {
    // Nothing to restore: no grant was ever meant to exist.
  }
}

/**
 * 评议结果: one row per window as its stream says (subject, dates, status, sealed tally and rate,
 * stream version) — what a member's review reads as mass ratings (ADR 0025), never the ballot box.
 */
export class MassRatingView1764730000003 implements MigrationInterface {
  readonly name = 'MassRatingView1764730000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists mass_rating_view (
        window_id uuid primary key,
        subject_kind text not null,
        subject_id uuid not null,
        org_id uuid not null,
        opens_on date not null,
        closes_on date not null,
        status text not null,
        satisfied integer,
        basically_satisfied integer,
        dissatisfied integer,
        ballots_cast integer,
        satisfaction_permille integer,
        version integer not null
      )`);
    await q.query(`create index if not exists mass_rating_view_subject_idx on mass_rating_view (subject_id, closes_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists mass_rating_view`);
  }
}

/** The mass-evaluation slice's read side; timestamps from 1764730000000 up, oldest first. */
export const massEvaluationMigrations: (new () => MigrationInterface)[] = [
  MassEvaluationBallotBox1764730000000,
  MassEvaluationBallotWithoutWindowLock1764730000001,
  MassEvaluationBallotBoxOwnerOnly1764730000002,
  MassRatingView1764730000003,
];

import { qualifiedTable } from '@vanguard/messaging';
import { COUNTY_MESSAGES_TABLE, COUNTY_SUBJECTS_TABLE } from './county-inbound.schema';
import type { CountyQuery } from './county-inbound.store';

/** A decision as recorded: what a later resend of the same id is answered with. */
export interface RecordedDecision {
  readonly payloadSha256: string;
  readonly outcome: 'applied' | 'refused';
  readonly code: string | null;
  readonly reason: string | null;
}

export interface NewDecision extends RecordedDecision {
  readonly clientId: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly subject: string | null;
  readonly sequence: number | null;
}

export const decisionKey = (clientId: string, id: string) => `${clientId}\u0000${id}`;

/** The gate's statements over county_messages and county_subjects: one lock, one read and one write for a whole batch. */
export class CountyLedger {
  private readonly messages: string;
  private readonly subjects: string;

  constructor(schema?: string) {
    this.messages = qualifiedTable(COUNTY_MESSAGES_TABLE, schema);
    this.subjects = qualifiedTable(COUNTY_SUBJECTS_TABLE, schema);
  }

  /**
   * Takes the batch's subjects for the rest of its transaction, in ONE statement, before
   * `read`: a subject's messages may reach the gate on two partitions (a county producer that
   * picks partitions, a key that moved when the partition count grew), whose chunks run
   * concurrently. Without it both chunks read the same last sequence, both apply, and the older
   * may commit last: the owner keeps the older state while the ledger says the newer applied.
   * With it the second chunk waits until the first commits; its `read`, a later statement,
   * sees what the first applied (READ COMMITTED: each statement reads what is committed when it
   * starts), so an older sequence is `COUNTY.STALE`. Transaction-scoped advisory locks: nothing
   * is written (a roster of new members has no county_subjects rows to lock yet), and they go
   * at COMMIT or ROLLBACK. Taken in ascending key order, so two chunks never deadlock; keys are
   * (the subjects table, a hash of county and subject), so two owners' gates on one database do
   * not wait for each other, and a hash collision only makes a chunk wait, never judge wrongly.
   * Each takes a slot of Postgres's lock table (max_locks_per_transaction × connections) until
   * COMMIT: at most `batchSize` per chunk in flight.
   */
  async lock(q: CountyQuery, subjects: readonly { clientId: string; subject: string }[]): Promise<void> {
    if (subjects.length === 0) return;
    await q(
      `select count(*) from (
         select pg_advisory_xact_lock(k.ns, k.key)
           from (select distinct hashtext('vanguard-county-subjects:' || $1::regclass::oid::text) as ns,
                                 hashtext(length(u.c) || ':' || u.c || u.s) as key
                   from unnest($2::text[], $3::text[]) as u(c, s)) k
          order by k.key) locked`,
      [this.subjects, subjects.map((k) => k.clientId), subjects.map((k) => k.subject)],
    );
  }

  /**
   * What the batch needs to know before deciding, in ONE statement (after `lock`): the earlier decisions of its
   * message ids and the last applied sequences of its subjects (each round trip of a batch waits
   * for the event loop and the database, so the gate makes as few as it can). Each key is looked
   * up by the primary key (`offset 0` keeps each lookup a subquery of its own): joined, the planner
   * hashed the whole ledger for a batch once it held tens of thousands of decisions, in parallel
   * workers (ADR 0133).
   */
  async read(
    q: CountyQuery,
    messages: readonly { clientId: string; messageId: string }[],
    subjects: readonly { clientId: string; subject: string }[],
  ): Promise<{ decided: Map<string, RecordedDecision>; last: Map<string, number> }> {
    const decided = new Map<string, RecordedDecision>();
    const last = new Map<string, number>();
    if (messages.length === 0 && subjects.length === 0) return { decided, last };
    const rows = await q(
      `select 'm' as kind, m.county_client_id as c, m.message_id as k, m.payload_sha256, m.outcome, m.code, m.reason, null::bigint as last_sequence
         from unnest($1::text[], $2::text[]) as k(c, i)
         cross join lateral (select * from ${this.messages} m where m.county_client_id = k.c and m.message_id = k.i offset 0) m
       union all
       select 's', s.county_client_id, s.subject, null, null, null, null, s.last_sequence
         from unnest($3::text[], $4::text[]) as k(c, s2)
         cross join lateral (select * from ${this.subjects} s where s.county_client_id = k.c and s.subject = k.s2 offset 0) s`,
      [messages.map((k) => k.clientId), messages.map((k) => k.messageId), subjects.map((k) => k.clientId), subjects.map((k) => k.subject)],
    );
    for (const r of rows) {
      const key = decisionKey(String(r['c']), String(r['k']));
      if (r['kind'] === 's') last.set(key, Number(r['last_sequence']));
      else
        decided.set(key, {
          payloadSha256: String(r['payload_sha256']),
          outcome: r['outcome'] as 'applied' | 'refused',
          code: (r['code'] as string | null) ?? null,
          reason: (r['reason'] as string | null) ?? null,
        });
    }
    return { decided, last };
  }

  /**
   * Records the decisions and moves each subject's last applied sequence forward, in ONE
   * statement; throws when any id was recorded meanwhile (a rebalance let another member decide
   * it), or when a subject's last sequence is no longer below what this batch applied (someone
   * moved it past what `read` saw: only a writer that did not `lock` can): the batch then rolls
   * back and is retried, and the retry sees the message as a resend, or as stale.
   */
  async record(
    q: CountyQuery,
    decisions: readonly NewDecision[],
    applied: ReadonlyMap<string, { clientId: string; subject: string; sequence: number }>,
  ): Promise<void> {
    if (decisions.length === 0 && applied.size === 0) return;
    const subjects = [...applied.values()];
    // Data-modifying WITHs run whether or not the main statement reads them.
    const rows = await q(
      `with advanced as (
         insert into ${this.subjects} (county_client_id, subject, last_sequence)
         select * from unnest($10::text[], $11::text[], $12::bigint[])
         on conflict (county_client_id, subject) do update
           set last_sequence = excluded.last_sequence, updated_at = now()
           where ${this.subjects}.last_sequence < excluded.last_sequence
         returning 1),
       recorded as (
         insert into ${this.messages} (county_client_id, message_id, message_type, subject, sequence, payload_sha256, outcome, code, reason)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])
         on conflict (county_client_id, message_id) do nothing
         returning 1)
       select (select count(*) from advanced)::int as advanced, (select count(*) from recorded)::int as recorded`,
      [
        decisions.map((d) => d.clientId),
        decisions.map((d) => d.messageId),
        decisions.map((d) => d.messageType),
        decisions.map((d) => d.subject),
        decisions.map((d) => d.sequence),
        decisions.map((d) => d.payloadSha256),
        decisions.map((d) => d.outcome),
        decisions.map((d) => d.code),
        decisions.map((d) => d.reason),
        subjects.map((r) => r.clientId),
        subjects.map((r) => r.subject),
        subjects.map((r) => r.sequence),
      ],
    );
    const recorded = Number(rows[0]?.['recorded'] ?? 0);
    const advanced = Number(rows[0]?.['advanced'] ?? 0);
    // Races lost to another writer, no verdict on the messages (ADR 0097): retried without counting an attempt.
    if (recorded !== decisions.length) {
      throw lostRace(`${decisions.length - recorded} county message(s) of this batch were decided meanwhile; retrying the batch`);
    }
    if (advanced !== subjects.length) {
      throw lostRace(`${subjects.length - advanced} county subject(s) of this batch were advanced meanwhile; retrying the batch`);
    }
  }
}

/** A serialization failure as Postgres reports one (40001): the batch is run again, nothing counted against it. */
function lostRace(message: string): Error {
  return Object.assign(new Error(message), { code: '40001' });
}

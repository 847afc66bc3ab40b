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

/** The gate's statements over county_messages and county_subjects: one read and one write for a whole batch. */
export class CountyLedger {
  private readonly messages: string;
  private readonly subjects: string;

  constructor(schema?: string) {
    this.messages = qualifiedTable(COUNTY_MESSAGES_TABLE, schema);
    this.subjects = qualifiedTable(COUNTY_SUBJECTS_TABLE, schema);
  }

  /**
   * What the batch needs to know before deciding, in ONE statement: the earlier decisions of its
   * message ids and the last applied sequences of its subjects (each round trip of a batch waits
   * for the event loop and the database, so the gate makes as few as it can).
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
         from ${this.messages} m join unnest($1::text[], $2::text[]) as k(c, i) on m.county_client_id = k.c and m.message_id = k.i
       union all
       select 's', s.county_client_id, s.subject, null, null, null, null, s.last_sequence
         from ${this.subjects} s join unnest($3::text[], $4::text[]) as k(c, s2) on s.county_client_id = k.c and s.subject = k.s2`,
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
   * Records the decisions and moves each subject's last applied sequence forward (never back), in
   * ONE statement; throws when any id was recorded meanwhile (a rebalance let another member decide
   * it): the batch then rolls back and is retried, and the retry sees it as a resend.
   */
  async record(
    q: CountyQuery,
    decisions: readonly NewDecision[],
    applied: ReadonlyMap<string, { clientId: string; subject: string; sequence: number }>,
  ): Promise<void> {
    if (decisions.length === 0 && applied.size === 0) return;
    const subjects = [...applied.values()];
    // A data-modifying WITH runs whether or not the main statement reads it.
    const rows = await q(
      `with advanced as (
         insert into ${this.subjects} (county_client_id, subject, last_sequence)
         select * from unnest($10::text[], $11::text[], $12::bigint[])
         on conflict (county_client_id, subject) do update
           set last_sequence = greatest(${this.subjects}.last_sequence, excluded.last_sequence), updated_at = now())
       insert into ${this.messages} (county_client_id, message_id, message_type, subject, sequence, payload_sha256, outcome, code, reason)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])
       on conflict (county_client_id, message_id) do nothing
       returning message_id`,
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
    if (rows.length !== decisions.length) {
      throw new Error(`${decisions.length - rows.length} county message(s) of this batch were decided meanwhile; retrying the batch`);
    }
  }
}

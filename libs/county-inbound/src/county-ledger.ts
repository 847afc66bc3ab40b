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

/** The gate's statements over county_messages and county_subjects: each a single statement for a whole batch. */
export class CountyLedger {
  private readonly messages: string;
  private readonly subjects: string;

  constructor(schema?: string) {
    this.messages = qualifiedTable(COUNTY_MESSAGES_TABLE, schema);
    this.subjects = qualifiedTable(COUNTY_SUBJECTS_TABLE, schema);
  }

  async decided(q: CountyQuery, keys: readonly { clientId: string; messageId: string }[]): Promise<Map<string, RecordedDecision>> {
    if (keys.length === 0) return new Map();
    const rows = await q(
      `select m.county_client_id, m.message_id, m.payload_sha256, m.outcome, m.code, m.reason
         from ${this.messages} m join unnest($1::text[], $2::text[]) as k(c, i) on m.county_client_id = k.c and m.message_id = k.i`,
      [keys.map((k) => k.clientId), keys.map((k) => k.messageId)],
    );
    return new Map(
      rows.map((r) => [
        decisionKey(String(r['county_client_id']), String(r['message_id'])),
        {
          payloadSha256: String(r['payload_sha256']),
          outcome: r['outcome'] as 'applied' | 'refused',
          code: (r['code'] as string | null) ?? null,
          reason: (r['reason'] as string | null) ?? null,
        },
      ]),
    );
  }

  async lastSequences(q: CountyQuery, keys: readonly { clientId: string; subject: string }[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await q(
      `select s.county_client_id, s.subject, s.last_sequence
         from ${this.subjects} s join unnest($1::text[], $2::text[]) as k(c, s2) on s.county_client_id = k.c and s.subject = k.s2`,
      [keys.map((k) => k.clientId), keys.map((k) => k.subject)],
    );
    return new Map(rows.map((r) => [decisionKey(String(r['county_client_id']), String(r['subject'])), Number(r['last_sequence'])]));
  }

  /**
   * Records the decisions; throws when any id was recorded meanwhile (a rebalance let another
   * member decide it): the batch then rolls back and is retried, and the retry sees it as a resend.
   */
  async record(q: CountyQuery, decisions: readonly NewDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const rows = await q(
      `insert into ${this.messages} (county_client_id, message_id, message_type, subject, sequence, payload_sha256, outcome, code, reason)
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
      ],
    );
    if (rows.length !== decisions.length) {
      throw new Error(`${decisions.length - rows.length} county message(s) of this batch were decided meanwhile; retrying the batch`);
    }
  }

  /** Moves each subject's last applied sequence forward (never back). */
  async advance(q: CountyQuery, applied: ReadonlyMap<string, { clientId: string; subject: string; sequence: number }>): Promise<void> {
    if (applied.size === 0) return;
    const rows = [...applied.values()];
    await q(
      `insert into ${this.subjects} (county_client_id, subject, last_sequence)
       select * from unnest($1::text[], $2::text[], $3::bigint[])
       on conflict (county_client_id, subject) do update
         set last_sequence = greatest(${this.subjects}.last_sequence, excluded.last_sequence), updated_at = now()`,
      [rows.map((r) => r.clientId), rows.map((r) => r.subject), rows.map((r) => r.sequence)],
    );
  }
}

import type { KafkaMessage } from 'kafkajs';
import { STATE_REMOVAL_HEADER, stateRemovalClaim, type EventEnvelope } from '@vanguard/contracts';
import { headerValue } from '../kafka/envelope-codec';

// What every copy of the organization service's state topics (evaluation's and assistance's
// roster, ADR 0029) does alike with a removal (ADR 0130): one place, so the copies cannot drift.

/** One record of a state topic as Kafka hands it over (value null: a tombstone). */
export interface StateRecordIn {
  readonly key: string | null;
  readonly value: string | null;
  /** A tombstone's `vg-state-removal` header as text (STATE_REMOVAL_HEADER): the signed removal it carries. */
  readonly removal?: string;
}

/** A Kafka message of a state topic as a record; a tombstone keeps its removal header, nothing else does. */
export function stateRecordOf(m: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): StateRecordIn {
  return {
    key: m.key?.toString('utf8') ?? null,
    value: m.value ? m.value.toString('utf8') : null,
    removal: m.value ? undefined : headerValue(m.headers, STATE_REMOVAL_HEADER),
  };
}

export type RosterKind = 'organization' | 'member';
export interface RosterRemoval {
  readonly kind: RosterKind;
  readonly id: string;
  readonly version: number;
}

/** The kind and id a state record's key names (`organization-<uuid>`, `member-<uuid>`), if it names one. */
export function rosterKeyOf(key: string | null): { kind: RosterKind; id: string } | undefined {
  const m = /^(organization|member)-([0-9a-f-]{36})$/.exec(key ?? '');
  return m ? { kind: m[1] as RosterKind, id: m[2]! } : undefined;
}

/**
 * The version of the removal a tombstone carries, when it is the organization service's signed
 * removal of the record's own key (`verify`: the copy's organisation verifier); else undefined —
 * a bare null value is anybody's to send.
 */
export function signedRemovalVersion(record: StateRecordIn, verify: (e: EventEnvelope) => boolean): number | undefined {
  const claim = stateRemovalClaim(record.key, record.removal);
  return claim.ok && verify(claim.envelope) ? claim.version : undefined;
}

/** SQL: a state row `r` that no removal of the same key at its version or above has removed. */
export const notRemovedSql = (kind: RosterKind): string =>
  `not exists (select 1 from roster_removals x where x.kind = '${kind}' and x.id = r.id and x.version >= r.version)`;

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Verified removals: each key's removal version kept (the highest), and its row deleted where older
 * than the removal — a row a newer state re-created (the same id inserted again) stays.
 */
export async function applyRosterRemovals(db: Queryable, removals: readonly RosterRemoval[]): Promise<void> {
  const rows = JSON.stringify(removals);
  await db.query(
    `insert into roster_removals (kind, id, version)
     select kind, id, version from jsonb_to_recordset($1::jsonb) as r(kind text, id uuid, version bigint)
     on conflict (kind, id) do update set version = excluded.version where roster_removals.version < excluded.version`,
    [rows],
  );
  for (const [kind, table] of [
    ['organization', 'roster_organizations'],
    ['member', 'roster_members'],
  ] as const)
    await db.query(
      `delete from ${table} t using jsonb_to_recordset($1::jsonb) as r(kind text, id uuid, version bigint)
        where r.kind = $2 and t.id = r.id and t.version < r.version`,
      [rows, kind],
    );
}

/**
 * One batch's latest word per key, before it is written: a state or a verified removal is kept only
 * when newer than what the batch already holds for its key, and a removal drops the state it outdates.
 */
export class RosterBatch<O extends { id: string; version: number }, M extends { id: string; version: number }> {
  readonly organizations = new Map<string, O>();
  readonly members = new Map<string, M>();
  /** By state-topic key (`organization-<id>`, `member-<id>`). */
  readonly removed = new Map<string, RosterRemoval>();

  remove(removal: RosterRemoval): void {
    const key = `${removal.kind}-${removal.id}`;
    const held: Map<string, { version: number }> = removal.kind === 'organization' ? this.organizations : this.members;
    if ((this.removed.get(key)?.version ?? -1) < removal.version && (held.get(removal.id)?.version ?? -1) < removal.version) {
      this.removed.set(key, removal);
      held.delete(removal.id);
    }
  }

  holdOrganization(row: O): void {
    if (this.isNewest('organization', this.organizations, row)) this.organizations.set(row.id, row);
  }

  holdMember(row: M): void {
    if (this.isNewest('member', this.members, row)) this.members.set(row.id, row);
  }

  private isNewest(kind: RosterKind, held: Map<string, { version: number }>, row: { id: string; version: number }): boolean {
    return (held.get(row.id)?.version ?? -1) < row.version && row.version > (this.removed.get(`${kind}-${row.id}`)?.version ?? -1);
  }
}

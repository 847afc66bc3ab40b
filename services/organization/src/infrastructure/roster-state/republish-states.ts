import type { Pool, PoolClient } from 'pg';

/** How many organisations and members were noted, and how many deleted ones (their removals). */
export interface RepublishedStates {
  readonly organizations: number;
  readonly members: number;
  readonly removals: number;
}

/**
 * Notes every organisation and member in `roster_state_changes`, so the running publisher
 * (RosterStatePublisher, ADR 0029) sends each one's current state again, signed, at a version
 * above every one sent before. For an operator whose compacted state topics took records that
 * were not the organization service's (docs/operations.md): compaction keeps the last record
 * of a key, so a forged record behind a genuine one leaves a new consumer nothing it can apply for
 * that key until the genuine state is sent again (ADR 0130). The ids of rows truly deleted
 * (`roster_deleted`) are noted too: the publisher finds no row and sends the key's signed removal
 * again, newer than any state of it, so an older state left as a key's last record once
 * compaction dropped its tombstone is removed once more. One statement, in the caller's schema.
 */
export async function noteEveryState(db: Pool | PoolClient): Promise<RepublishedStates> {
  const { rows } = await db.query<RepublishedStates>(
    `with o as (insert into roster_state_changes (kind, entity_id) select 'organization', id from organizations returning 1),
          m as (insert into roster_state_changes (kind, entity_id) select 'member', id from members returning 1),
          -- An id inserted again since its deletion is noted once, above: its state is what it has now.
          r as (insert into roster_state_changes (kind, entity_id)
                select d.kind, d.entity_id from roster_deleted d
                 where not exists (select 1 from organizations x where d.kind = 'organization' and x.id = d.entity_id)
                   and not exists (select 1 from members x where d.kind = 'member' and x.id = d.entity_id)
                returning 1)
     select (select count(*)::int from o) as organizations, (select count(*)::int from m) as members,
            (select count(*)::int from r) as removals`,
  );
  return rows[0]!;
}

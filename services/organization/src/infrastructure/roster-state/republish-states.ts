import type { Pool, PoolClient } from 'pg';

/** How many organisations and members were noted. */
export interface RepublishedStates {
  readonly organizations: number;
  readonly members: number;
}

/**
 * Notes every organisation and member in `roster_state_changes`, so the running publisher
 * (RosterStatePublisher, ADR 0029) sends each one's current state again, signed, at a version
 * above every one sent before. For an operator whose compacted state topics took records that
 * were not the organization service's (docs/operations.md): compaction keeps the last record
 * of a key, so a forged record behind a genuine one leaves a new consumer nothing it can apply for
 * that key until the genuine state is sent again (ADR 0130). One statement, in the caller's schema.
 */
export async function noteEveryState(db: Pool | PoolClient): Promise<RepublishedStates> {
  const { rows } = await db.query<{ kind: 'organization' | 'member'; n: string }>(
    `with noted as (
       insert into roster_state_changes (kind, entity_id)
       select 'organization', id from organizations union all select 'member', id from members
       returning kind)
     select kind, count(*) as n from noted group by kind`,
  );
  const count = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
  return { organizations: count('organization'), members: count('member') };
}

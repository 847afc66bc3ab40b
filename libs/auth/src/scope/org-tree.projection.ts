import {
  OrganizationDissolved,
  OrganizationMerged,
  OrganizationMoved,
  OrganizationRegistered,
  OrganizationRenamed,
  type ContractEvent,
} from '@vanguard/contracts';
import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';
import { recordOrgTreeFacts, type OrgTreeFact } from './org-tree.history';
import { DEFAULT_ORG_TREE_TABLE, orgTreeChannelSql, orgTreeHistoryTable, type OrgTreeTableOptions } from './org-tree.schema';

export type OrgTreeEvent =
  | ContractEvent<typeof OrganizationRegistered>
  | ContractEvent<typeof OrganizationRenamed>
  | ContractEvent<typeof OrganizationMoved>
  | ContractEvent<typeof OrganizationMerged>
  | ContractEvent<typeof OrganizationDissolved>;

/**
 * An event as a bootstrap or a test gives it: its version and instant may be missing. A missing
 * version counts as 1, an organisation's first event: the copy's facts start at 0 and an event
 * applies only over a lower version (ADR 0010). A missing instant holds since ever (ADR 0081).
 */
type LooseTreeEvent = { type: string; data: unknown; streamVersion?: number; recordedAt?: string; occurredAt?: string };

/** What an organisation looks like after an applied event, for the in-memory index. */
export type OrgTreeChange =
  | {
      readonly kind: 'upsert';
      readonly id: string;
      readonly parentId: string | null;
      readonly status: string;
      readonly mergedIntoId?: string | null;
    }
  | { readonly kind: 'status'; readonly id: string; readonly status: string; readonly mergedIntoId?: string | null }
  | { readonly kind: 'none' };

const TREE_EVENTS = new Set<string>([
  OrganizationRegistered.type,
  OrganizationRenamed.type,
  OrganizationMoved.type,
  OrganizationMerged.type,
  OrganizationDissolved.type,
]);

/** Deeper than any real tree; stops a cycle that a half-applied set of moves can form for a moment. */
const MAX_DEPTH = 64;

/** The part of `code` below `parentCode`, when the code extends it. */
function segmentOf(code: string, parentCode: string | null | undefined): string | null {
  return parentCode && code.length > parentCode.length && code.startsWith(parentCode) ? code.slice(parentCode.length) : null;
}

/**
 * Applies organisation events to the org_tree table so that the result does not depend on
 * the order in which different organisations' events arrive (ADR 0009): an event only sets
 * its own organisation's facts, and only when it is newer than the row (`version` = the
 * organisation's stream version, which also makes redelivery harmless); `code` and `path`
 * are then derived again for the organisation's whole subtree from parent links and
 * segments. A child applied after its parent's move, or before its parent exists, ends
 * with the same code and path as in any other order. Every fact an event sets is also kept in
 * the copy's history with the event's instant (ADR 0081), in the same transaction.
 */
export class OrgTreeProjection {
  private readonly t: string;
  private readonly h: string;
  private readonly channelSql: string;

  constructor(options: OrgTreeTableOptions = {}) {
    this.t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
    this.h = orgTreeHistoryTable(options);
    this.channelSql = orgTreeChannelSql(options);
  }

  /**
   * Applies one event. Call it inside the applying transaction: the advisory lock it takes is
   * held until that transaction ends (outside one, it ends with its own statement).
   */
  async apply(db: SqlExecutor, event: OrgTreeEvent | LooseTreeEvent): Promise<OrgTreeChange> {
    const version = (event as { streamVersion?: number }).streamVersion ?? 1;
    if (!TREE_EVENTS.has(event.type)) return { kind: 'none' };
    await this.serialise(db);
    // The organization service's instant for the change (both are the same there); the history is by it.
    const at = (event as LooseTreeEvent).recordedAt ?? (event as LooseTreeEvent).occurredAt ?? null;
    const record = (id: string, ...facts: OrgTreeFact[]) => recordOrgTreeFacts(db, this.h, id, version, at, facts);
    switch (event.type) {
      case OrganizationRegistered.type: {
        const d = (event as ContractEvent<typeof OrganizationRegistered>).data;
        await db.query(
          `insert into ${this.t} as t (id, parent_id, code, name, level, status, segment, version, parent_version, name_version, status_version)
           values ($1, $2, $3, $4, $5, 'active', $6, $7, $7, $7, $7)
           on conflict (id) do update set
                  parent_id = case when t.parent_version < $7 then excluded.parent_id else t.parent_id end,
                  code = case when t.parent_version < $7 then excluded.code else t.code end,
                  segment = case when t.parent_version < $7 then excluded.segment else t.segment end,
                  parent_version = greatest(t.parent_version, $7),
                  name = case when t.name_version < $7 then excluded.name else t.name end,
                  level = excluded.level,
                  name_version = greatest(t.name_version, $7),
                  status = case when t.status_version < $7 then 'active' else t.status end,
                  merged_into_id = case when t.status_version < $7 then null else t.merged_into_id end,
                  status_version = greatest(t.status_version, $7),
                  version = greatest(t.version, $7), updated_at = now()
            where least(t.parent_version, t.name_version, t.status_version) < $7`,
          [d.organizationId, d.parentId, d.code, d.name, d.level, d.parentId ? segmentOf(d.code, d.parentCode) : null, version],
        );
        await record(d.organizationId, { fact: 'parent', parentId: d.parentId }, { fact: 'status', status: 'active' });
        await this.derive(db, d.organizationId);
        return this.current(db, d.organizationId);
      }
      case OrganizationRenamed.type: {
        const d = (event as ContractEvent<typeof OrganizationRenamed>).data;
        await db.query(
          `update ${this.t} set name = $2, name_version = $3, version = greatest(version, $3), updated_at = now()
            where id = $1 and name_version < $3`,
          [d.organizationId, d.name, version],
        );
        // Names are not part of scope: nothing in memory to tell.
        return { kind: 'none' };
      }
      case OrganizationMoved.type: {
        const d = (event as ContractEvent<typeof OrganizationMoved>).data;
        // `code` is the stated code; derive() keeps it only until the new parent is known.
        await db.query(
          `update ${this.t} set parent_id = $2, code = $3, segment = $4, parent_version = $5, version = greatest(version, $5), updated_at = now()
            where id = $1 and parent_version < $5`,
          [d.organizationId, d.parentId, d.code, segmentOf(d.code, d.parentCode), version],
        );
        await record(d.organizationId, { fact: 'parent', parentId: d.parentId });
        await this.derive(db, d.organizationId);
        return this.current(db, d.organizationId);
      }
      case OrganizationMerged.type: {
        const d = (event as ContractEvent<typeof OrganizationMerged>).data;
        await db.query(
          `update ${this.t} set status = 'merged', merged_into_id = $2, status_version = $3, version = greatest(version, $3), updated_at = now()
            where id = $1 and status_version < $3`,
          [d.organizationId, d.survivingOrganizationId, version],
        );
        await record(d.organizationId, { fact: 'status', status: 'merged', mergedIntoId: d.survivingOrganizationId });
        return this.current(db, d.organizationId);
      }
      case OrganizationDissolved.type: {
        const d = (event as ContractEvent<typeof OrganizationDissolved>).data;
        await db.query(
          `update ${this.t} set status = 'dissolved', status_version = $2, version = greatest(version, $2), updated_at = now()
            where id = $1 and status_version < $2`,
          [d.organizationId, version],
        );
        await record(d.organizationId, { fact: 'status', status: 'dissolved' });
        return this.current(db, d.organizationId);
      }
      default:
        return { kind: 'none' };
    }
  }

  /**
   * One applying transaction at a time per table. derive() reads the rows around the one it
   * changes; two transactions on two partitions (or replicas) — a township's registration and
   * its village's — each read the other's row as missing, both commit, and the village keeps a
   * null path for good. Every tree event takes the lock before it touches a row, though only
   * registrations and moves derive: a rename or status change taken first would hold its row
   * while another transaction's derive() waits to rewrite that row's path (a deadlock the
   * concurrent test hit when only the deriving events took it). Organisation events are few, so
   * serialising them costs nothing that matters; the lock is keyed by schema and table, so
   * services sharing a database do not wait on each other.
   */
  private async serialise(db: SqlExecutor): Promise<void> {
    await db.query(`select pg_advisory_xact_lock(hashtext('vanguard-org-tree'), hashtext(${this.channelSql}))`);
  }

  /**
   * Tells every ScopeService following this table (other replicas included, whose consumers
   * never see this partition) that `id`'s row may have changed. Sent in the applying
   * transaction, so Postgres delivers it only on commit and only once the row is readable.
   */
  private async notify(db: SqlExecutor, id: string): Promise<void> {
    await db.query(`select pg_notify(${this.channelSql}, $1)`, [id]);
  }

  /** The row as it now stands (a stale event changed nothing, and says so by repeating it). */
  private async current(db: SqlExecutor, id: string): Promise<OrgTreeChange> {
    await this.notify(db, id);
    const res = (await db.query(`select parent_id, status, merged_into_id from ${this.t} where id = $1`, [id])) as
      | { rows?: { parent_id: string | null; status: string; merged_into_id: string | null }[] }
      | { parent_id: string | null; status: string; merged_into_id: string | null }[];
    const row = (Array.isArray(res) ? res : (res.rows ?? []))[0];
    if (!row) return { kind: 'none' };
    return { kind: 'upsert', id, parentId: row.parent_id, status: row.status, mergedIntoId: row.merged_into_id };
  }

  /**
   * Path and code of `id` from its parent's, then of everything below it: code = parent's
   * code ‖ segment. A row without a segment (copied in without one) takes it from its
   * parent's code as stored before this derivation, and keeps it. While an ancestor is
   * missing the path stays null and the stated code stands; a cycle (two moves applied in
   * the other order for a moment) is cut at the first repeat and fixed by the later move.
   */
  private async derive(db: SqlExecutor, id: string): Promise<void> {
    // The segment a row has, or can take from its parent's code as stored (null: neither).
    const seg = (c: string, p: string) =>
      `coalesce(${c}.segment, case when length(${c}.code) > length(${p}.code) and starts_with(${c}.code, ${p}.code)
                                   then substr(${c}.code, length(${p}.code) + 1) end)`;
    await db.query(
      `with recursive sub(id, path, code, segment, seen, depth) as (
         select t.id,
                case when t.parent_id is null then '/' || t.id::text || '/' else p.path || t.id::text || '/' end,
                case when p.id is null then t.code else coalesce(p.code || ${seg('t', 'p')}, t.code) end,
                case when p.id is null then t.segment else ${seg('t', 'p')} end,
                array[t.id], 1
           from ${this.t} t left join ${this.t} p on p.id = t.parent_id
          where t.id = $1
         union all
         select c.id, sub.path || c.id::text || '/',
                coalesce(sub.code || ${seg('c', 'o')}, c.code),
                ${seg('c', 'o')},
                sub.seen || c.id, sub.depth + 1
           from ${this.t} c join sub on c.parent_id = sub.id join ${this.t} o on o.id = c.parent_id
          where not c.id = any(sub.seen) and sub.depth < ${MAX_DEPTH}
       )
       update ${this.t} t set path = sub.path, code = sub.code, segment = sub.segment
         from sub
        where t.id = sub.id and (t.path is distinct from sub.path or t.code is distinct from sub.code or t.segment is distinct from sub.segment)`,
      [id],
    );
  }
}

import {
  OrganizationDissolved,
  OrganizationMerged,
  OrganizationMoved,
  OrganizationRegistered,
  OrganizationRenamed,
  type ContractEvent,
} from '@vanguard/contracts';
import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';
import { DEFAULT_ORG_TREE_TABLE, type OrgTreeTableOptions } from './org-tree.schema';

export type OrgTreeEvent =
  | ContractEvent<typeof OrganizationRegistered>
  | ContractEvent<typeof OrganizationRenamed>
  | ContractEvent<typeof OrganizationMoved>
  | ContractEvent<typeof OrganizationMerged>
  | ContractEvent<typeof OrganizationDissolved>;

/** What an applied event changed, for the in-memory index. */
export type OrgTreeChange =
  | { readonly kind: 'upsert'; readonly id: string; readonly parentId: string | null; readonly status: string }
  | { readonly kind: 'status'; readonly id: string; readonly status: string }
  | { readonly kind: 'none' };

/**
 * Applies organisation events to the org_tree table. Every statement is idempotent
 * (redelivery is harmless even without the inbox) and paths are recomputed for the
 * whole affected subtree, so a late parent fixes its early children.
 */
export class OrgTreeProjection {
  private readonly t: string;

  constructor(options: OrgTreeTableOptions = {}) {
    this.t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
  }

  async apply(db: SqlExecutor, event: OrgTreeEvent | { type: string; data: unknown }): Promise<OrgTreeChange> {
    switch (event.type) {
      case OrganizationRegistered.type: {
        const d = (event as ContractEvent<typeof OrganizationRegistered>).data;
        await db.query(
          `insert into ${this.t} (id, parent_id, code, name, level, status) values ($1, $2, $3, $4, $5, 'active')
           on conflict (id) do nothing`,
          [d.organizationId, d.parentId, d.code, d.name, d.level],
        );
        await this.recomputePaths(db, d.organizationId);
        return { kind: 'upsert', id: d.organizationId, parentId: d.parentId, status: 'active' };
      }
      case OrganizationRenamed.type: {
        const d = (event as ContractEvent<typeof OrganizationRenamed>).data;
        await db.query(`update ${this.t} set name = $2, updated_at = now() where id = $1`, [d.organizationId, d.name]);
        return { kind: 'none' };
      }
      case OrganizationMoved.type: {
        const d = (event as ContractEvent<typeof OrganizationMoved>).data;
        await db.query(`update ${this.t} set parent_id = $2, code = $3, updated_at = now() where id = $1`, [
          d.organizationId,
          d.parentId,
          d.code,
        ]);
        // Descendants keep their own segment below the moved organisation's code.
        await db.query(
          `update ${this.t} set code = $2 || substr(code, length($1) + 1), updated_at = now()
            where code like $1 || '%' and id <> $3 and path like '%/' || $3::text || '/%'`,
          [d.previousCode, d.code, d.organizationId],
        );
        await this.recomputePaths(db, d.organizationId);
        return { kind: 'upsert', id: d.organizationId, parentId: d.parentId, status: 'active' };
      }
      case OrganizationMerged.type: {
        const d = (event as ContractEvent<typeof OrganizationMerged>).data;
        await db.query(`update ${this.t} set status = 'merged', updated_at = now() where id = $1`, [d.organizationId]);
        return { kind: 'status', id: d.organizationId, status: 'merged' };
      }
      case OrganizationDissolved.type: {
        const d = (event as ContractEvent<typeof OrganizationDissolved>).data;
        await db.query(`update ${this.t} set status = 'dissolved', updated_at = now() where id = $1`, [d.organizationId]);
        return { kind: 'status', id: d.organizationId, status: 'dissolved' };
      }
      default:
        return { kind: 'none' };
    }
  }

  /** Path of `id` from its parent's (or `/` for a root), then of everything below it. */
  private async recomputePaths(db: SqlExecutor, id: string): Promise<void> {
    await db.query(
      `with recursive sub(id, path) as (
         select t.id, case when t.parent_id is null then '/' else p.path end || t.id::text || '/'
           from ${this.t} t left join ${this.t} p on p.id = t.parent_id
          where t.id = $1
         union all
         select c.id, sub.path || c.id::text || '/' from ${this.t} c join sub on c.parent_id = sub.id
       )
       update ${this.t} t set path = sub.path from sub where t.id = sub.id and t.path is distinct from sub.path`,
      [id],
    );
  }
}

import type { Pool } from 'pg';
import { PgListener } from '@vanguard/event-store';
import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';
import type { Principal } from '../principal';
import type { OrgTreeChange } from './org-tree.projection';
import { isBelowOrSame, isWithinScope, type ScopeNode } from './scope-rule';
import { DEFAULT_ORG_TREE_TABLE, orgTreeChannelSql, type OrgTreeTableOptions } from './org-tree.schema';

type Row = { id: string; parent_id: string | null; status: string; merged_into_id: string | null };

export interface FollowOptions {
  /** Full reload this often, for notifications lost while the listening connection was down. Default 5 min: a full load of the province tree (~150k) took 0.8–2 s here, rereading one notified row ~0.3 ms. */
  readonly fullReloadMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** Stops following the table. */
export interface Following {
  /** Whether notifications reach this instance right now. */
  readonly listening: boolean;
  stop(): Promise<void>;
}

type OrgNode = ScopeNode;

/**
 * Answers "may this principal act on that organisation?" from memory: an id → parent map
 * loaded from the local org_tree and kept current by the consumer, so a check is a few
 * map lookups (well under a microsecond) and never a call to the organization service.
 *
 * A principal acts inside the subtree of the organisation in its token (`org_id`); county
 * system clients carry their county there, which holds them to it. Unknown organisations
 * and principals without `org_id` are outside every scope (fail closed). An organisation
 * that has ceased (dissolved or merged) grants no scope to tokens that still name it, and
 * a merged organisation, with whatever was below it, counts as below its survivor
 * (ADR 0010).
 */
export class ScopeService {
  private readonly nodes = new Map<string, OrgNode>();
  /** Bumped on every change to `nodes`: `idsWithin` answers from its cache while it stands still. */
  private treeVersion = 0;
  private readonly within = new Map<string, { version: number; ids: readonly string[] }>();
  private readonly t: string;
  private readonly channelSql: string;

  constructor(options: OrgTreeTableOptions = {}) {
    this.t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
    this.channelSql = orgTreeChannelSql(options);
  }

  /** (Re)loads the whole tree from the table; call at start-up. */
  async load(db: SqlExecutor): Promise<number> {
    const rows = rowsOf(await db.query(`select id, parent_id, status, merged_into_id from ${this.t}`));
    // Built aside and swapped in, so checks made during the load answer from the old copy, not a half-filled one.
    const fresh = new Map<string, OrgNode>();
    for (const r of rows) fresh.set(r.id, nodeOfRow(r));
    this.nodes.clear();
    for (const [id, node] of fresh) this.nodes.set(id, node);
    this.treeVersion++;
    return rows.length;
  }

  /** Reads the named organisations' rows again (a missing row is forgotten). */
  async reload(db: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = rowsOf(await db.query(`select id, parent_id, status, merged_into_id from ${this.t} where id = any($1::uuid[])`, [ids]));
    for (const id of ids) this.nodes.delete(id);
    for (const r of rows) this.nodes.set(r.id, nodeOfRow(r));
    this.treeVersion++;
  }

  /**
   * Keeps memory in step with every change applied to the table, by any replica. Replicas
   * share one consumer group, so each consumer applies only its own partitions' events;
   * the projection NOTIFYs each changed id on commit and every instance LISTENs and reads
   * those rows again. A full load runs on every (re)connect of the listener and every
   * `fullReloadMs`, for notifications lost meanwhile. Reloads run one at a time in arrival
   * order, so a full load that read before a commit cannot overwrite the row read after it.
   */
  follow(pool: Pool, options: FollowOptions = {}): Following {
    let chain: Promise<void> = Promise.resolve();
    let pending = new Set<string>();
    let full = false;
    const run = () => {
      chain = chain
        .then(async () => {
          if (full) {
            full = false;
            pending = new Set();
            await this.load(pool);
          } else if (pending.size > 0) {
            const ids = [...pending];
            pending = new Set();
            await this.reload(pool, ids);
          }
        })
        .catch((e: unknown) => {
          // What failed is read again by the next full load.
          full = true;
          options.onError?.(e);
        });
    };
    const listener = new PgListener(pool, {
      channel: async (client) => (await client.query<{ c: string }>(`select ${this.channelSql} as c`)).rows[0]!.c,
      onNotification: (id) => {
        if (id === '') full = true;
        else pending.add(id);
        run();
      },
      onListening: () => {
        full = true;
        run();
      },
      ...(options.onError ? { onError: options.onError } : {}),
    });
    listener.start();
    const timer = setInterval(() => {
      full = true;
      run();
    }, options.fullReloadMs ?? 300_000);
    timer.unref();
    return {
      get listening() {
        return listener.listening;
      },
      stop: async () => {
        clearInterval(timer);
        await listener.stop();
        await chain;
      },
    };
  }

  /** Keeps memory in step with a projected event. */
  applyChange(change: OrgTreeChange): void {
    if (change.kind === 'upsert') {
      this.nodes.set(change.id, { parentId: change.parentId, status: change.status, mergedIntoId: change.mergedIntoId ?? null });
    } else if (change.kind === 'status') {
      const node = this.nodes.get(change.id);
      if (node) this.nodes.set(change.id, { ...node, status: change.status, mergedIntoId: change.mergedIntoId ?? node.mergedIntoId });
    }
    this.treeVersion++;
  }

  /** Whether the copy holds `orgId`, whatever its status. */
  knows(orgId: string): boolean {
    return this.nodes.has(orgId);
  }

  /** Whether `orgId` is known and still active (not dissolved, not merged). */
  isActive(orgId: string): boolean {
    return this.nodes.get(orgId)?.status === 'active';
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Whether `orgId` is an active organisation at the top of the tree (the province): what platform-wide settings need. */
  isRoot(orgId: string | undefined): boolean {
    const node = orgId === undefined ? undefined : this.nodes.get(orgId);
    return node?.status === 'active' && node.parentId === null;
  }

  /** True when `orgId` is `ancestorId` or lies below it (a merged organisation lies below its survivor). */
  isBelowOrSame(orgId: string, ancestorId: string): boolean {
    return isBelowOrSame(orgId, ancestorId, this.nodeOf);
  }

  /** The rule itself lives in scope-rule.ts, shared with the organization service. */
  isWithin(principal: Pick<Principal, 'orgId'>, orgId: string): boolean {
    return isWithinScope(principal.orgId, orgId, this.nodeOf);
  }

  /**
   * Every known organisation the principal may act on, by the same rule as `isWithin`, so a
   * list can filter and page in SQL (`org_id = any($1)`) instead of reading every row to filter
   * here. Remembered per organisation until the tree changes; the first call after a change
   * walks the whole copy (a province's ~150k nodes: tens of milliseconds).
   */
  idsWithin(principal: Pick<Principal, 'orgId'>): readonly string[] {
    const key = principal.orgId;
    if (key === undefined) return [];
    const hit = this.within.get(key);
    if (hit && hit.version === this.treeVersion) return hit.ids;
    const ids = [...this.nodes.keys()].filter((id) => this.isWithin(principal, id));
    if (this.within.size >= 1_000) this.within.clear();
    this.within.set(key, { version: this.treeVersion, ids });
    return ids;
  }

  /**
   * Every known organisation that is `ancestorId` or lies below it, by `isBelowOrSame`: a subtree
   * as the tree holds it now, a ceased organisation's included (an auditor reads its history).
   */
  idsBelowOrSame(ancestorId: string): string[] {
    return [...this.nodes.keys()].filter((id) => this.isBelowOrSame(id, ancestorId));
  }

  private readonly nodeOf = (id: string): OrgNode | undefined => this.nodes.get(id);
}

function rowsOf(res: unknown): Row[] {
  return Array.isArray(res) ? (res as Row[]) : ((res as { rows?: Row[] }).rows ?? []);
}

function nodeOfRow(r: Row): OrgNode {
  return { parentId: r.parent_id, status: r.status, mergedIntoId: r.merged_into_id };
}

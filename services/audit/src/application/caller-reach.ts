import type { AuditedContext } from '../infrastructure/audit-database';
import type { AuditReader } from './audit-reader';
import { AuditRefusal } from './audit-refusal';
import type { Auditor } from './audit-trail';
import { streamKindOf } from './stream-catalog';

/** What the reach is judged by: the organisation tree as it stands (ScopeService over evaluation's copy). */
export interface ReachTree {
  isRoot(orgId: string | undefined): boolean;
  isWithin(principal: { readonly orgId: string | undefined }, orgId: string): boolean;
}

/**
 * How far an auditor reaches (DESIGN.md: a user acts only inside the subtree of the organisation
 * in their token; ADR 0094). A caller whose organisation is a root of the tree reaches everything,
 * as before. Any other caller reads a stream only when at least one of its events was recorded
 * under an organisation of their subtree (ceased ones included: `isWithin` walks through them);
 * every other stream — an unknown one too — is the one 404 of an unknown stream, so a refusal
 * never says that a stream exists. What spans a whole store (verify of everything or of a time
 * range, the whole store's completeness, the whole log), and the auditors' trail, are for a root
 * caller only.
 */
export class CallerReach {
  constructor(
    private readonly tree: { scope(): Promise<ReachTree> },
    private readonly reader: AuditReader,
  ) {}

  async isRoot(auditor: Auditor): Promise<boolean> {
    return (await this.tree.scope()).isRoot(auditor.orgId);
  }

  /** 404 `stream <id>` for the first stream the caller may not read, as for a stream that does not exist. */
  async checkStreams(auditor: Auditor, streamIds: readonly string[]): Promise<void> {
    const tree = await this.tree.scope();
    if (tree.isRoot(auditor.orgId)) return;
    const readable = new Set<string>();
    for (const [context, ids] of byContext(streamIds)) {
      // One row per organisation a stream was recorded under: a handful, whatever the stream's length.
      const { rows } = await this.reader.pool.query<{ stream_id: string; org_id: string }>(
        `select distinct stream_id, org_id from "${this.reader.stores[context].schema}".events where stream_id = any($1::text[])`,
        [ids],
      );
      for (const r of rows) if (tree.isWithin(auditor, r.org_id)) readable.add(r.stream_id);
    }
    const refused = streamIds.find((id) => !readable.has(id));
    if (refused !== undefined) throw AuditRefusal.notFound(`stream ${refused}`);
  }

  /**
   * 403 unless the caller's organisation is a root of the tree: the auditors' trail holds every
   * auditor's queries, the province's and every county's alike, and its proofs and consistency are
   * of the whole trail, so it has no part a supervisor below the root could be shown (ADR 0094).
   */
  checkTrailReader(auditor: Auditor): Promise<void> {
    return this.onlyAtRoot(
      auditor,
      '审计人员的查询记录属于全平台，仅限省级（组织树根）审计监督查阅 / the auditors’ trail is the whole platform’s: only an audit supervisor of a root of the organisation tree may read it or its proofs',
    );
  }

  /** 403 naming `what` unless the caller's organisation is a root of the tree. */
  checkRoot(auditor: Auditor, what: string): Promise<void> {
    return this.onlyAtRoot(
      auditor,
      `${what} 跨越整个存储，仅限省级（组织树根）审计员 / ${what} spans a whole store: only an auditor of a root of the organisation tree may ask; ask for streams of your own subtree instead`,
    );
  }

  /** 403 with `reason` unless the caller's organisation is a root of the tree. */
  private async onlyAtRoot(auditor: Auditor, reason: string): Promise<void> {
    if (!(await this.isRoot(auditor))) throw AuditRefusal.forbidden(reason);
  }
}

function byContext(streamIds: readonly string[]): Map<AuditedContext, string[]> {
  const out = new Map<AuditedContext, string[]>();
  for (const id of new Set(streamIds)) {
    const { context } = streamKindOf(id);
    out.set(context, [...(out.get(context) ?? []), id]);
  }
  return out;
}

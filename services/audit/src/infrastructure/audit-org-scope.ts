import { Logger, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { ScopeService, idsBelowOrSameAt, type Following } from '@vanguard/auth';

/**
 * The organisation tree an auditor's subtree is judged by: the evaluation service's copy
 * (`<schema>.org_tree`, fed from the organization service's signed events) and its history
 * (`<schema>.org_tree_history`, for a subtree as it stood at an instant), read through the
 * read-only role — the audit service consumes nothing itself (DESIGN.md, ADR 0056). Loaded on
 * the first subtree query, not at start (most audits never ask one), then kept current through
 * the copy's own NOTIFY channel, as every service's ScopeService is.
 */
export class AuditOrgScope implements OnModuleDestroy {
  private readonly logger = new Logger(AuditOrgScope.name);
  private loaded: Promise<ScopeService> | undefined;
  private following: Following | undefined;
  private destroyed = false;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  scope(): Promise<ScopeService> {
    this.loaded ??= this.load().catch((e: unknown) => {
      this.loaded = undefined; // the next query tries again
      throw this.unavailable('org_tree', e);
    });
    return this.loaded;
  }

  /**
   * `orgId` and the organisations below it as the tree stood at `at`, from the copy's history
   * (ADR 0081): one query per subtree asked, since each instant has a tree of its own. Who may
   * ask is `scope()`'s, by the tree as it stands.
   */
  async idsBelowOrSameAt(orgId: string, at: string): Promise<string[]> {
    try {
      return await idsBelowOrSameAt(this.pool, orgId, at, { schema: this.schema });
    } catch (e) {
      throw this.unavailable('org_tree_history', e);
    }
  }

  // A deployment without evaluation's copy (or the grant): the subtree cannot be judged, nothing else is wrong.
  private unavailable(table: string, e: unknown): ServiceUnavailableException {
    this.logger.error(`org-tree copy ${this.schema}.${table} not readable: ${String(e)}`);
    return new ServiceUnavailableException({
      code: 'AUDIT.ORG_TREE_UNAVAILABLE',
      message: `组织树副本不可读 / the organisation tree copy (${this.schema}.${table}) cannot be read`,
    });
  }

  /** Waits for a load in flight: it would otherwise start following after shutdown (a LISTEN client and a timer left behind). */
  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    await this.loaded?.catch(() => undefined);
    await this.following?.stop();
  }

  private async load(): Promise<ScopeService> {
    const scope = new ScopeService({ schema: this.schema });
    await scope.load(this.pool);
    if (!this.destroyed) this.following = scope.follow(this.pool, { onError: (e) => this.logger.warn(`org-tree follow: ${String(e)}`) });
    return scope;
  }
}

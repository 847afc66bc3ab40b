import { Logger, ServiceUnavailableException, type HttpException } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { parseCheckpointBody, trailOf, type TransparencyLog } from '@vanguard/transparency-log';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@vanguard/observability';
import type { AuditedContext } from '../infrastructure/audit-database';

/** The latest checkpoint published for a store: what every witness and auditor already holds. */
export interface PublishedHead {
  readonly size: number;
  /** base64, as `audit.log_checkpoints` keeps it. */
  readonly root: string;
  /** The auditors' trail size its note commits to, if it carries a trail line. */
  readonly trail: number | undefined;
}

/** The latest checkpoint published for `store`, on `db` (a publication reads it under its lock). */
export async function latestPublishedHead(db: Pool | PoolClient, store: string): Promise<PublishedHead | undefined> {
  const { rows } = await db.query<{ size: string; root: string; note: string }>(
    `select size, root, note from audit.log_checkpoints where store = $1 order by size desc limit 1`,
    [store],
  );
  const r = rows[0];
  if (!r) return undefined;
  const trail = trailOf(parseCheckpointBody(r.note.slice(0, r.note.lastIndexOf('\n\n') + 1)))?.size;
  return { size: Number(r.size), root: r.root, trail };
}

const notSigned = new Gauge({
  name: 'vanguard_audit_log_not_signed',
  help: '1 while the audit service refuses to sign a store log that does not extend its published checkpoint (ADR 0094): an alarm',
  labelNames: ['context'] as const,
  registers: [metricsRegistry],
});

/**
 * Why the service refuses to sign for a store, kept until a check passes again: logged once as an
 * error and raised on /metrics (`vanguard_audit_log_not_signed`), so an operator sees a store that
 * was truncated or rewritten (after a restart the log is rebuilt from the store) before anyone asks
 * for a note. Not readiness: every instance rebuilds from the same store, so all would leave
 * rotation, and verification, timelines and exports are what auditors need most just then.
 */
export class SigningRefusals {
  private readonly logger = new Logger(SigningRefusals.name);
  private readonly refused = new Map<AuditedContext, string>();

  /** A 503: nothing the caller asked for is wrong, this instance cannot vouch for the store as it reads it. */
  refuse(context: AuditedContext, reason: string): HttpException {
    if (this.refused.get(context) !== reason) this.logger.error(`not signing the ${context} log: ${reason}`);
    this.refused.set(context, reason);
    notSigned.set({ context }, 1);
    return new ServiceUnavailableException({
      code: 'AUDIT.LOG_NOT_SIGNED',
      message: `日志与已发布的检查点不一致，不予签名 / the ${context} log is not signed: ${reason}`,
    });
  }

  clear(context: AuditedContext): void {
    this.refused.delete(context);
    notSigned.set({ context }, 0);
  }

  get reasons(): readonly string[] {
    return [...this.refused].map(([context, reason]) => `${context}: ${reason}`);
  }
}

/**
 * A log rebuilt from the store must extend what was published: never smaller than the latest
 * published checkpoint, and with that checkpoint's root at its size. Otherwise a signature would
 * vouch for a shorter or another history than the one witnesses cosigned (ADR 0041, 0094's
 * companion fix): refused, never signed.
 */
export class PublishedHeads {
  constructor(
    /** Reads `audit.log_checkpoints` (the trail's role: the reader role may not). */
    private readonly pool: Pool,
    private readonly schemas: Readonly<Record<AuditedContext, string>>,
    readonly refusals: SigningRefusals = new SigningRefusals(),
  ) {}

  latest(context: AuditedContext): Promise<PublishedHead | undefined> {
    return latestPublishedHead(this.pool, this.schemas[context]);
  }

  /**
   * Throws (and keeps the reason) unless `log` extends `head`, and the auditors' trail (`trail`,
   * its size, when one is signed with it) holds no fewer entries than `head` committed to.
   */
  check(context: AuditedContext, log: TransparencyLog, head: PublishedHead | undefined, trail?: number): void {
    const reason = inconsistency(log, head, trail);
    if (reason) throw this.refusals.refuse(context, reason);
    this.refusals.clear(context);
  }
}

/** Why `log` does not extend the published `head`, or null when it does. */
export function inconsistency(log: Pick<TransparencyLog, 'size' | 'root'>, head: PublishedHead | undefined, trail?: number): string | null {
  if (!head) return null;
  if (head.trail !== undefined && trail !== undefined && trail < head.trail)
    return `the auditors' trail rebuilt holds ${trail} entries, fewer than the ${head.trail} the latest published checkpoint commits to (trail entries gone?)`;
  if (log.size < head.size)
    return `the log rebuilt from the store holds ${log.size} events, fewer than the ${head.size} of the latest published checkpoint (events gone from the store?)`;
  const root = log.root(head.size).toString('base64');
  if (root !== head.root)
    return `the log's root at the published size ${head.size} is ${root}, not the published ${head.root} (the store was rewritten?)`;
  return null;
}

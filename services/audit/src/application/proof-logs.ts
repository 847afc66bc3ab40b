import type { Pool } from 'pg';
import {
  formatTrailLine,
  logSignerFromEnv,
  type LogCommitment,
  type NoteSigner,
  type SignedCheckpoint,
  type StreamMap,
  type TransparencyLog,
} from '@vanguard/transparency-log';
import type { AuditedContext } from '../infrastructure/audit-database';
import { AuditRefusal } from './audit-refusal';
import { inconsistency, SigningRefusals, type PublishedHead, type PublishedHeads } from './published-heads';
import { StoreLog } from './store-log';

export { MAX_PROVED_EVENTS } from './store-log';

/** See `ProofLogs.signedNow`; `through` is the last (transaction id, position) the log holds. */
export interface LogAtCheckpoint {
  readonly log: TransparencyLog;
  readonly signer: NoteSigner;
  readonly checkpoint: SignedCheckpoint;
  /** The checkpoint's stream map, held for the caller's work (the log keeps only the last few). */
  readonly map: StreamMap;
  readonly through: { readonly xid: string; readonly position: number };
}

/**
 * One transparency log per audited store (`StoreLog`, ADR 0033), each signed with the operator's
 * log key under its own origin. When the auditors' trail is given, every checkpoint of either
 * store also commits to the trail's own log as it is then, in one extension line signed with the
 * rest (`vanguard-trail/v1`, ADR 0077): the note that vouches for the decisions vouches for the
 * record of who looked at them.
 */
export class ProofLogs {
  private readonly logs = new Map<AuditedContext, { readonly store: StoreLog; readonly signer: NoteSigner }>();

  constructor(
    pool: Pool,
    schemas: Readonly<Record<AuditedContext, string>>,
    env: NodeJS.ProcessEnv = process.env,
    /** The auditors' trail's log (read with the trail's own role); without it checkpoints carry no trail line. */
    readonly trail?: StoreLog,
    /** What was published already: a log that does not extend it is not signed. Without it (tests of the log alone) nothing is compared. */
    private readonly heads?: PublishedHeads,
  ) {
    for (const c of ['evaluation', 'commendation'] as const) {
      const signer = logSignerFromEnv(env, `vanguard.example/${c}`);
      this.logs.set(c, { store: new StoreLog(pool, schemas[c], signer.name, c), signer });
    }
  }

  contextOf(raw: string): AuditedContext {
    if (raw !== 'evaluation' && raw !== 'commendation')
      throw AuditRefusal.invalid('context', 'evaluation 或 commendation / evaluation or commendation');
    return raw;
  }

  /** The log's size once caught up with the store: what the "every N events" trigger looks at. */
  async size(context: AuditedContext): Promise<number> {
    return (await this.of(context).store.caughtUp()).size;
  }

  async checkpoint(context: AuditedContext): Promise<SignedCheckpoint & { vkey: string }> {
    const { log, signer, extensions } = await this.caughtUp(context);
    return { ...log.checkpoint(signer, extensions), vkey: signer.verifier.vkey };
  }

  inclusion(context: AuditedContext, stream: string, version: number, size?: number) {
    return this.of(context).store.inclusion(stream, version, size);
  }

  consistency(context: AuditedContext, from: number, to: number) {
    return this.of(context).store.consistency(from, to);
  }

  /** See `StoreLog.eventProofs`: what `npm run audit -- prove` checks offline. */
  eventProofs(context: AuditedContext, stream: string, size: number, version?: number) {
    return this.of(context).store.eventProofs(stream, size, version);
  }

  /** See `StoreLog.eventPage`: a whole stream of any length, a page at a time. */
  eventPage(context: AuditedContext, stream: string, size: number, fromVersion: number) {
    return this.of(context).store.eventPage(stream, size, fromVersion);
  }

  /**
   * The log caught up, a checkpoint signed at its size and the store position it has read to,
   * taken together (nothing runs between them): evidence export and completeness work at that size.
   */
  async signedNow(context: AuditedContext): Promise<LogAtCheckpoint> {
    const { log, signer, extensions, store } = await this.caughtUp(context);
    const checkpoint = log.checkpoint(signer, extensions);
    return { log, signer, checkpoint, map: log.streamMap(checkpoint.body.size)!, through: store.through };
  }

  /**
   * The store's log caught up, and the trail line to sign with it. The trail is caught up first
   * and its commitment taken with no await before the store's checkpoint is signed: the line says
   * what the trail's log held when the note was made, never a size it has not read.
   */
  private async caughtUp(context: AuditedContext) {
    const { store, signer } = this.of(context);
    // Read before catching up: what was published by then was read below a horizon this catch-up passes too.
    const head = await this.heads?.latest(context);
    await this.trail?.caughtUp();
    const log = await store.caughtUp();
    const trail: LogCommitment | undefined = this.trail?.log.commitment();
    this.heads?.check(context, log, head, trail?.size);
    return { log, signer, store, extensions: trail ? [formatTrailLine(trail)] : [] };
  }

  /**
   * Throws, keeping the reason for readiness, unless the log in memory extends `head` (for a
   * publication, under its lock, against the head read there).
   */
  checkExtends(context: AuditedContext, head: PublishedHead | undefined): void {
    const log = this.of(context).store.log;
    if (this.heads) this.heads.check(context, log, head);
    else {
      const reason = inconsistency(log, head);
      if (reason) throw new SigningRefusals().refuse(context, reason);
    }
  }

  private of(context: AuditedContext) {
    return this.logs.get(context)!;
  }
}

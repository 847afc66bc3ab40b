import type { Pool } from 'pg';
import { TransparencyLog, logSignerFromEnv, type NoteSigner, type SignedCheckpoint, type StreamMap } from '@vanguard/transparency-log';
import type { AuditedContext } from '../infrastructure/audit-database';
import { AuditRefusal } from './audit-refusal';

const PAGE = 5000;
/** Events one proof answer carries with their texts (an export's stream limit, in events). */
export const MAX_PROVED_EVENTS = 2000;

/** See `ProofLogs.signedNow`; `through` is the last (transaction id, position) the log holds. */
export interface LogAtCheckpoint {
  readonly log: TransparencyLog;
  readonly signer: NoteSigner;
  readonly checkpoint: SignedCheckpoint;
  /** The checkpoint's stream map, held for the caller's work (the log keeps only the last few). */
  readonly map: StreamMap;
  readonly through: { readonly xid: string; readonly position: number };
}

interface Fed {
  readonly log: TransparencyLog;
  readonly signer: NoteSigner;
  after: { xid: string; position: number };
  /** Catch-ups of one log run one after another. */
  running: Promise<void>;
  /** So do rebuilds of its older stream maps. */
  rebuilding: Promise<unknown>;
}

/**
 * One transparency log per audited store (libs/transparency-log, ADR 0033), fed in the store's
 * global order with the stored canonical texts and chain hashes, only below the safe read horizon
 * (no open transaction can still commit there), and caught up before every checkpoint and proof.
 * Kept in memory: a restart rebuilds it from the store. So are the stream maps of checkpoints: the
 * log keeps the last few, and any other size's map is rebuilt from it and the store (ADR 0054).
 */
export class ProofLogs {
  private readonly fed = new Map<AuditedContext, Fed>();

  constructor(
    private readonly pool: Pool,
    private readonly schemas: Readonly<Record<AuditedContext, string>>,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const c of ['evaluation', 'commendation'] as const) {
      const signer = logSignerFromEnv(env, `vanguard.example/${c}`);
      this.fed.set(c, {
        log: new TransparencyLog(signer.name),
        signer,
        after: { xid: '0', position: 0 },
        running: Promise.resolve(),
        rebuilding: Promise.resolve(),
      });
    }
  }

  contextOf(raw: string): AuditedContext {
    if (raw !== 'evaluation' && raw !== 'commendation')
      throw AuditRefusal.invalid('context', 'evaluation 或 commendation / evaluation or commendation');
    return raw;
  }

  /** The log's size once caught up with the store: what the "every N events" trigger looks at. */
  async size(context: AuditedContext): Promise<number> {
    return (await this.caughtUp(context)).log.size;
  }

  async checkpoint(context: AuditedContext): Promise<SignedCheckpoint & { vkey: string }> {
    const f = await this.caughtUp(context);
    return { ...f.log.checkpoint(f.signer), vkey: f.signer.verifier.vkey };
  }

  async inclusion(context: AuditedContext, stream: string, version: number, size?: number) {
    const f = await this.caughtUp(context);
    const at = size ?? f.log.size;
    if (at > f.log.size) throw AuditRefusal.invalid('size', `日志只有 ${f.log.size} 项 / the log holds ${f.log.size} events`);
    const index = f.log.streamLeaves(stream, at)[version - 1];
    if (index === undefined) throw AuditRefusal.notFound(`version ${version} of ${stream} in a log of size ${at}`);
    return { stream, version, index, size: at, proof: f.log.inclusionProof(index, at).map((h) => h.toString('base64')) };
  }

  async consistency(context: AuditedContext, from: number, to: number) {
    const f = await this.caughtUp(context);
    if (from > to || to > f.log.size) throw AuditRefusal.invalid('to', `须 from ≤ to ≤ ${f.log.size} / need from ≤ to ≤ ${f.log.size}`);
    return { from, to, proof: f.log.consistencyProof(from, to).map((h) => h.toString('base64')) };
  }

  /**
   * What `npm run audit -- prove` checks offline against a published checkpoint of `size`: the
   * stream's events (one `version`, or all it had at that size) with their stored texts, leaf
   * indices and inclusion paths, and for a whole stream its entry in the map that checkpoint
   * committed to (rebuilt when not kept: signed long ago, or before a restart). The texts and the
   * rebuilt map's older heads come from the store, not from the log, so a row changed since it
   * was logged fails there.
   */
  async eventProofs(context: AuditedContext, stream: string, size: number, version?: number) {
    const f = await this.caughtUp(context);
    if (size > f.log.size) throw AuditRefusal.invalid('size', `日志只有 ${f.log.size} 项 / the log holds ${f.log.size} events`);
    const leaves = f.log.streamLeaves(stream, size);
    if (version !== undefined && leaves[version - 1] === undefined)
      throw AuditRefusal.notFound(`version ${version} of ${stream} in a log of size ${size}`);
    const versions = version === undefined ? leaves.map((_, i) => i + 1) : [version];
    if (versions.length > MAX_PROVED_EVENTS)
      throw AuditRefusal.invalid(
        'version',
        `该流有 ${versions.length} 个事件，请指定版本 / the stream has ${versions.length} events: give a version`,
      );
    const { rows } = await this.pool.query<{ stream_version: string; canonical: string }>(
      `select stream_version, canonical from "${this.schemas[context]}".events where stream_id = $1 and stream_version = any($2::bigint[])`,
      [stream, versions],
    );
    const texts = new Map(rows.map((r) => [Number(r.stream_version), r.canonical]));
    const mapProof = version === undefined ? (await this.mapAt(context, f, size)).prove(stream) : null;
    return {
      stream,
      size,
      mapProof,
      events: versions.map((v) => {
        const index = leaves[v - 1]!;
        return { version: v, index, text: texts.get(v) ?? null, path: f.log.inclusionProof(index, size).map((h) => h.toString('base64')) };
      }),
    };
  }

  /**
   * The log caught up, a checkpoint signed at its size and the store position it has read to,
   * taken together (nothing runs between them): evidence export and completeness work at that size.
   */
  async signedNow(context: AuditedContext): Promise<LogAtCheckpoint> {
    const f = await this.caughtUp(context);
    const checkpoint = f.log.checkpoint(f.signer);
    return { log: f.log, signer: f.signer, checkpoint, map: f.log.streamMap(checkpoint.body.size)!, through: { ...f.after } };
  }

  /**
   * The stream map at `size`: kept, or rebuilt from each stream's version at that size and, for
   * the streams that grew since, the store's chain hash at that version — exactly what the log
   * was fed, so the root is the one signed then unless the store was rewritten (and then the
   * tree's root differs too).
   */
  private mapAt(context: AuditedContext, f: Fed, size: number): Promise<StreamMap> {
    const kept = f.log.streamMap(size);
    if (kept) return Promise.resolve(kept);
    // One rebuild at a time per store: each reads every stream's head, so an auditor walking
    // through sizes would otherwise start as many full rebuilds as requests. A request for a size
    // rebuilt while it waited takes that map.
    const run = f.rebuilding.then(() => f.log.streamMap(size) ?? this.rebuildMapAt(context, f, size));
    f.rebuilding = run.catch(() => undefined);
    return run;
  }

  private async rebuildMapAt(context: AuditedContext, f: Fed, size: number): Promise<StreamMap> {
    // Taken at once (no await between): the log may grow while the older links are read.
    const heads = f.log.streamHeadsAt(size);
    const wanted = heads.filter((h) => h.head === undefined);
    const older = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += PAGE) {
      const page = wanted.slice(i, i + PAGE);
      const { rows } = await this.pool.query<{ stream_id: string; hash: string }>(
        `select e.stream_id, e.hash from "${this.schemas[context]}".events e
           join unnest($1::text[], $2::bigint[]) as w(stream_id, stream_version)
             on e.stream_id = w.stream_id and e.stream_version = w.stream_version`,
        [page.map((h) => h.stream), page.map((h) => h.version)],
      );
      for (const r of rows) older.set(r.stream_id, r.hash);
    }
    return f.log.restoreStreamMap(
      size,
      heads.map((h) => {
        const head = h.head ?? older.get(h.stream);
        // A logged event gone from the store (only the database owner can delete one): named, not guessed.
        if (head === undefined)
          throw AuditRefusal.notReplayable(
            'AUDIT.LOGGED_EVENT_MISSING',
            `${h.stream} 第 ${h.version} 版已记入日志，但存储中已没有 / version ${h.version} of ${h.stream} was logged but is gone from the ${context} store`,
          );
        return { stream: h.stream, version: h.version, head };
      }),
    );
  }

  private async caughtUp(context: AuditedContext): Promise<Fed> {
    const f = this.fed.get(context)!;
    const run = f.running.then(() => this.feed(context, f));
    f.running = run.catch(() => undefined);
    await run;
    return f;
  }

  private async feed(context: AuditedContext, f: Fed): Promise<void> {
    const s = `"${this.schemas[context]}"`;
    for (;;) {
      const { rows } = await this.pool.query<{
        xid: string;
        position: string;
        stream_id: string;
        stream_version: string;
        hash: string;
        canonical: string;
      }>(
        `select transaction_id::text as xid, position, stream_id, stream_version, hash, canonical from ${s}.events
          where (transaction_id, position) > ($1::text::xid8, $2::bigint)
            and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by transaction_id, position limit ${PAGE}`,
        [f.after.xid, f.after.position],
      );
      for (const r of rows) {
        f.log.append({ text: r.canonical, stream: r.stream_id, version: Number(r.stream_version), hash: r.hash });
        f.after = { xid: r.xid, position: Number(r.position) };
      }
      if (rows.length < PAGE) return;
    }
  }
}

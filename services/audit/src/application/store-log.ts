import type { Pool } from 'pg';
import { TransparencyLog, type StreamMap } from '@vanguard/transparency-log';
import { AuditRefusal } from './audit-refusal';

const PAGE = 5000;
/** Events one proof answer (or one page of it) carries with their texts (an export's stream limit, in events). */
export const MAX_PROVED_EVENTS = 2000;

/**
 * One transparency log (libs/transparency-log, ADR 0033) over one event store: fed in the store's
 * global order with the stored canonical texts and chain hashes, only below the safe read horizon
 * (no open transaction can still commit there), and caught up before every checkpoint and proof.
 * Kept in memory: a restart rebuilds it from the store. So are the stream maps of checkpoints: the
 * log keeps the last few, and any other size's map is rebuilt from it and the store (ADR 0054).
 * The audited stores each have one (read as `vg_audit_reader`), and so has the auditors' trail
 * (read as `vg_audit`, ADR 0077): the same code proves a decision and a query about it.
 */
export class StoreLog {
  readonly log: TransparencyLog;
  private after = { xid: '0', position: 0 };
  /** Catch-ups run one after another. */
  private running: Promise<void> = Promise.resolve();
  /** So do rebuilds of older stream maps. */
  private rebuilding: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    readonly schema: string,
    origin: string,
    /** How refusals name the store: `evaluation`, `commendation`, `trail`. */
    private readonly name: string,
    /**
     * Events per page of `eventPage`. Production keeps the one-answer cap; a test lowers it so a
     * stream of a few events spans pages through the very same code (ADR 0077).
     */
    private readonly pageSize: number = MAX_PROVED_EVENTS,
  ) {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PROVED_EVENTS)
      throw new RangeError(`a proof page holds 1 to ${MAX_PROVED_EVENTS} events, not ${pageSize}`);
    this.log = new TransparencyLog(origin);
  }

  /** The last (transaction id, position) the log holds. */
  get through(): { readonly xid: string; readonly position: number } {
    return { ...this.after };
  }

  /** The log once it has read every event below the store's safe horizon. */
  async caughtUp(): Promise<TransparencyLog> {
    const run = this.running.then(() => this.feed());
    this.running = run.catch(() => undefined);
    await run;
    return this.log;
  }

  async inclusion(stream: string, version: number, size?: number) {
    const log = await this.caughtUp();
    const at = size ?? log.size;
    if (at > log.size) throw AuditRefusal.invalid('size', `日志只有 ${log.size} 项 / the log holds ${log.size} events`);
    const index = log.streamLeaves(stream, at)[version - 1];
    if (index === undefined) throw AuditRefusal.notFound(`version ${version} of ${stream} in a log of size ${at}`);
    return { stream, version, index, size: at, proof: log.inclusionProof(index, at).map((h) => h.toString('base64')) };
  }

  async consistency(from: number, to: number) {
    const log = await this.caughtUp();
    if (from > to || to > log.size) throw AuditRefusal.invalid('to', `须 from ≤ to ≤ ${log.size} / need from ≤ to ≤ ${log.size}`);
    return { from, to, proof: log.consistencyProof(from, to).map((h) => h.toString('base64')) };
  }

  /**
   * What `npm run audit -- prove` checks offline against a signed checkpoint of `size`: the
   * stream's events (one `version`, or all it had at that size) with their stored texts, leaf
   * indices and inclusion paths, and for a whole stream its entry in the map that checkpoint
   * committed to (rebuilt when not kept: signed long ago, or before a restart). The texts and the
   * rebuilt map's older heads come from the store, not from the log, so a row changed since it
   * was logged fails there.
   */
  async eventProofs(stream: string, size: number, version?: number) {
    const { log, leaves } = await this.leavesAt(stream, size);
    if (version !== undefined && leaves[version - 1] === undefined)
      throw AuditRefusal.notFound(`version ${version} of ${stream} in a log of size ${size}`);
    const versions = version === undefined ? leaves.map((_, i) => i + 1) : [version];
    if (versions.length > MAX_PROVED_EVENTS)
      throw AuditRefusal.invalid(
        'version',
        `该流有 ${versions.length} 个事件，请指定版本或按 fromVersion 分页 / the stream has ${versions.length} events: give a version, or page with fromVersion`,
      );
    const mapProof = version === undefined ? (await this.mapAt(size)).prove(stream) : null;
    return { stream, size, mapProof, events: await this.proved(log, stream, leaves, versions, size) };
  }

  /**
   * A whole stream as of `size` for any number of events, a page at a time: at most `pageSize`
   * events from `fromVersion` as `eventProofs` gives them, and `next`, the version the following
   * page starts at (null on the last). The stream's map entry comes on the first page only: it
   * says how many events there are and the head their chain ends at, and an old size's map costs a
   * rebuild. The verifier carries the hash chain across pages and checks the head at the end.
   */
  async eventPage(stream: string, size: number, fromVersion = 1) {
    const { log, leaves } = await this.leavesAt(stream, size);
    // Page 1 of a stream without events is its (absent) map entry alone; any other start must exist.
    if (fromVersion > 1 && leaves[fromVersion - 1] === undefined)
      throw AuditRefusal.notFound(`version ${fromVersion} of ${stream} in a log of size ${size}`);
    const last = Math.min(leaves.length, fromVersion - 1 + this.pageSize);
    const versions = Array.from({ length: Math.max(0, last - fromVersion + 1) }, (_, i) => fromVersion + i);
    const mapProof = fromVersion === 1 ? (await this.mapAt(size)).prove(stream) : null;
    const events = await this.proved(log, stream, leaves, versions, size);
    return { stream, size, fromVersion, mapProof, events, next: last < leaves.length ? last + 1 : null };
  }

  private async leavesAt(stream: string, size: number) {
    const log = await this.caughtUp();
    if (size > log.size) throw AuditRefusal.invalid('size', `日志只有 ${log.size} 项 / the log holds ${log.size} events`);
    return { log, leaves: log.streamLeaves(stream, size) };
  }

  /** The `versions` of `stream` with their stored texts (null when gone), leaf indices and inclusion paths at `size`. */
  private async proved(log: TransparencyLog, stream: string, leaves: readonly number[], versions: readonly number[], size: number) {
    const { rows } = await this.pool.query<{ stream_version: string; canonical: string }>(
      `select stream_version, canonical from "${this.schema}".events where stream_id = $1 and stream_version = any($2::bigint[])`,
      [stream, versions],
    );
    const texts = new Map(rows.map((r) => [Number(r.stream_version), r.canonical]));
    return versions.map((v) => {
      const index = leaves[v - 1]!;
      return { version: v, index, text: texts.get(v) ?? null, path: log.inclusionProof(index, size).map((h) => h.toString('base64')) };
    });
  }

  /**
   * The stream map at `size`: kept, or rebuilt from each stream's version at that size and, for
   * the streams that grew since, the store's chain hash at that version — exactly what the log
   * was fed, so the root is the one signed then unless the store was rewritten (and then the
   * tree's root differs too).
   */
  mapAt(size: number): Promise<StreamMap> {
    const kept = this.log.streamMap(size);
    if (kept) return Promise.resolve(kept);
    // One rebuild at a time per store: each reads every stream's head, so an auditor walking
    // through sizes would otherwise start as many full rebuilds as requests. A request for a size
    // rebuilt while it waited takes that map.
    const run = this.rebuilding.then(() => this.log.streamMap(size) ?? this.rebuildMapAt(size));
    this.rebuilding = run.catch(() => undefined);
    return run;
  }

  private async rebuildMapAt(size: number): Promise<StreamMap> {
    // Taken at once (no await between): the log may grow while the older links are read.
    const heads = this.log.streamHeadsAt(size);
    const wanted = heads.filter((h) => h.head === undefined);
    const older = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += PAGE) {
      const page = wanted.slice(i, i + PAGE);
      const { rows } = await this.pool.query<{ stream_id: string; hash: string }>(
        `select e.stream_id, e.hash from "${this.schema}".events e
           join unnest($1::text[], $2::bigint[]) as w(stream_id, stream_version)
             on e.stream_id = w.stream_id and e.stream_version = w.stream_version`,
        [page.map((h) => h.stream), page.map((h) => h.version)],
      );
      for (const r of rows) older.set(r.stream_id, r.hash);
    }
    return this.log.restoreStreamMap(
      size,
      heads.map((h) => {
        const head = h.head ?? older.get(h.stream);
        // A logged event gone from the store (only the database owner can delete one): named, not guessed.
        if (head === undefined)
          throw AuditRefusal.notReplayable(
            'AUDIT.LOGGED_EVENT_MISSING',
            `${h.stream} 第 ${h.version} 版已记入日志，但存储中已没有 / version ${h.version} of ${h.stream} was logged but is gone from the ${this.name} store`,
          );
        return { stream: h.stream, version: h.version, head };
      }),
    );
  }

  private async feed(): Promise<void> {
    const s = `"${this.schema}"`;
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
        [this.after.xid, this.after.position],
      );
      for (const r of rows) {
        this.log.append({ text: r.canonical, stream: r.stream_id, version: Number(r.stream_version), hash: r.hash });
        this.after = { xid: r.xid, position: Number(r.position) };
      }
      if (rows.length < PAGE) return;
    }
  }
}

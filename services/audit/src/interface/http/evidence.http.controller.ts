import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import { ApiRefusals, isHeadRequest, streamBody, watchResponse, type ConcurrencyLimiter, type Lease } from '@vanguard/http';
import { AuditReader } from '../../application/audit-reader';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type AuditQuery, type Auditor } from '../../application/audit-trail';
import { CallerReach } from '../../application/caller-reach';
import {
  EVENTS_HEADER,
  MAX_EXPORT_STREAMS,
  MAX_PROGRAMME_STREAMS,
  eventsInBundle,
  inBundleOrder,
  programmeStreams,
  STREAMS_HEADER,
  verifyCommand,
  writeEvidenceBundle,
  writeLogBundle,
} from '../../application/evidence-export';
import { earlierCheckpoints, earlierSizes } from '../../application/earlier-checkpoints';
import { logCompleteness, streamCompleteness } from '../../application/log-completeness';
import { ProofLogs, type LogAtCheckpoint } from '../../application/proof-logs';
import { TRAIL_POOL } from '../../infrastructure/audit-pools';
import { VERIFICATION_CONNECTIONS, type VerificationConnections } from '../../infrastructure/verification-connections';
import { AuditCaller, AuditParams, streamInContext } from './audit-params';
import { progressLines } from './progress-lines';
import { AUDIT_ROLES, VERIFY_LIMITER } from './audit.http.controller';
import { refusalRecorded } from './trail-refusals';

type Caller = { auditor: Auditor; correlationId: string };
/**
 * A client that reads nothing for `stallMs` while a write waits is cut off (ADR 0019); and
 * `maxMs` is the longest a bundle or a check on its own connection may run, however steadily its
 * client reads: one draining a few bytes a second never stalls, yet would hold a slot and a
 * connection for days (bundles only: a check answers once, at its end). `AUDIT_DOWNLOAD_STALL_MS`
 * and `AUDIT_DOWNLOAD_MAX_MS` override them.
 */
const downloadLimits = (env = process.env) => ({
  stallMs: positiveIntFromEnv(env, 'AUDIT_DOWNLOAD_STALL_MS', 30_000),
  maxMs: positiveIntFromEnv(env, 'AUDIT_DOWNLOAD_MAX_MS', 60 * 60_000),
});
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,150}$/;

/** Completeness of the log against the store, and evidence bundles that verify offline (issue 12, ADR 0033). */
@ApiTags('transparency log')
@ApiBearerAuth()
@Controller('transparency/:context')
export class EvidenceHttpController {
  constructor(
    private readonly logs: ProofLogs,
    private readonly reader: AuditReader,
    private readonly trail: AuditTrail,
    private readonly reach: CallerReach,
    @Inject(VERIFY_LIMITER) private readonly longWork: ConcurrencyLimiter,
    @Inject(VERIFICATION_CONNECTIONS) private readonly connections: VerificationConnections,
    /** Reads the published checkpoints a bundle carries (`audit.log_checkpoints`: the reader role may not). */
    @Inject(TRAIL_POOL) private readonly published: Pool,
  ) {
    downloadLimits(); // read per request (a test may change them), refused here first: a bad value stops the start, not every download
  }

  /**
   * JSON once the whole store is read; or, asked with `Accept: application/x-ndjson`, NDJSON as
   * verify sends it: `{"started":…}`, `{"progress":{done,total}}` (store events read, of the
   * signed log's size), then `{"result":…}` — the CLI draws a bar with the time left from it.
   * One stream's answer comes from the log in memory at once: always plain JSON. The whole store's
   * pass is a root caller's only (403 below it, like verify of everything): it reads every county's
   * events and its `missing` list names their streams (ADR 0094, amended 2026-12-05).
   */
  @Get('completeness')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary:
      '日志是否含存储中的每个事件（整个存储仅限省级审计员），或某个流的全部事件 / does the signed log hold every event of the store up to its read position (the whole store: a root auditor only), or all of one stream? Accept: application/x-ndjson for progress',
  })
  @ApiRefusals({
    403: [
      'AUDIT.FORBIDDEN: the whole store’s completeness (no stream) spans every county: only an auditor of a root of the organisation tree may ask',
    ],
    404: ['AUDIT.NOT_FOUND: no such stream, or none of its events is in your subtree'],
    429: ['LIMIT.TOO_MANY: all of your (or the service’s) long-work slots are taken (Retry-After says when to retry)'],
  })
  async completeness(
    @Param('context') raw: string,
    @AuditParams(['stream']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
    @Res() res: Response,
  ) {
    const context = this.logs.contextOf(raw);
    const stream = q['stream'] === undefined ? undefined : onlyString('stream', q['stream']);
    if (stream !== undefined) streamInContext(stream, context, 'stream');
    const query = { query: 'completeness' as const, streams: stream ? [stream] : [], params: { context } };
    if (stream === undefined)
      await refusalRecorded(this.trail, c, query, () => this.reach.checkRoot(c.auditor, 'completeness of the whole store'));
    // The slot before the query is recorded, so a 429 is in the trail once, with its code; and
    // before the checkpoint: signing it rebuilds the stream map, work a refusal must not cost.
    await this.leased(c, query, async (lease) => {
      await this.trail.record(c.auditor, query, c.correlationId);
      // A stream out of reach is the 404 of an unknown one, after the query, as on every stream route.
      if (stream !== undefined) await this.reach.checkStreams(c.auditor, [stream]);
      const at = await this.logs.signedNow(context);
      if (stream !== undefined) {
        res.json(streamCompleteness(at, stream));
        return;
      }
      const schema = this.reader.stores[context].schema;
      if (!wantsProgress(res)) {
        res.json(await this.whileConnected(lease, res, (pool, signal) => logCompleteness(pool, schema, at, { signal })));
        return;
      }
      await this.whileConnected(lease, res, async (pool, signal) => {
        res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
        const lines = progressLines(
          { started: { context, size: at.checkpoint.body.size } },
          (onProgress) => logCompleteness(pool, schema, at, { signal, onProgress }),
          signal,
          { code: 'AUDIT.COMPLETENESS_FAILED', message: 'the completeness check failed' },
        );
        await streamBody(res, lines, { signal, stallMs: downloadLimits().stallMs });
      });
    });
  }

  /**
   * A tar.gz streamed as it is written: the signed checkpoint, earlier published checkpoints with
   * their consistency proofs (`earlier=<size>`, repeatable, else a bounded default; ADR 0070),
   * each stream's map proof, its events' canonical texts and inclusion paths, a manifest. `npx vanguard-verify <file> --key
   * <vkey>` checks it offline (header `x-vanguard-verify`). The trail records who asked for which
   * streams before a byte is sent, and the bundle's SHA-256 once it is complete.
   */
  @Get('export')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary:
      '导出可离线核验的证据包 / export an evidence bundle that verifies offline (stream=…, repeatable; or programme=<id> in commendation; earlier=<size>, repeatable: published checkpoints to prove prefixes of it)',
  })
  @ApiRefusals({
    404: [
      'AUDIT.NOT_FOUND: a stream or programme unknown or outside your subtree, a programme no event names, or an earlier checkpoint size never published',
    ],
    429: ['LIMIT.TOO_MANY: all of your (or the service’s) long-work slots are taken (Retry-After says when to retry)'],
  })
  async export(
    @Param('context') raw: string,
    @AuditParams(['stream', 'programme', 'earlier']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
    @Res() res: Response,
  ) {
    const context = this.logs.contextOf(raw);
    const given = q['stream'] === undefined ? [] : Array.isArray(q['stream']) ? q['stream'] : [q['stream']];
    const programme = q['programme'] === undefined ? undefined : onlyString('programme', q['programme']);
    if (programme !== undefined && (context !== 'commendation' || !ID.test(programme)))
      throw AuditRefusal.invalid('programme', '须为表彰存储中的项目编号 / a programme id, exported from the commendation store');
    if ((given.length === 0 && programme === undefined) || given.length > MAX_EXPORT_STREAMS)
      throw AuditRefusal.invalid(
        'stream',
        `须给出 1 到 ${MAX_EXPORT_STREAMS} 个流或 programme / give 1 to ${MAX_EXPORT_STREAMS} streams, or programme`,
      );
    const named = given.map((s) => streamInContext(onlyString('stream', s), context, 'stream'));
    const sizes = earlierSizes(q['earlier']);
    // A programme is read by its programme stream; its nominations come with it, as in its as-of.
    const asked = programme === undefined ? named : [...named, `award-programme-${programme}`];
    // A refused export (the 404 of a stream out of reach, no slot, an earlier checkpoint never published) is in the trail too.
    const refused = {
      query: 'export' as const,
      streams: asked,
      params: { context, ...(programme ? { programme } : {}), ...(sizes ? { earlier: sizes } : {}) },
    };
    await refusalRecorded(this.trail, c, refused, () => this.reach.checkStreams(c.auditor, asked));
    // The slot first: the checkpoint's stream map and a programme's scan of the store are work a refusal must not cost.
    await this.leased(c, refused, async (lease) => {
      const at = await this.logs.signedNow(context);
      const schema = this.reader.stores[context].schema;
      const earlier = await refusalRecorded(this.trail, c, refused, () =>
        earlierCheckpoints(this.published, schema, at.checkpoint.body.size, sizes),
      );
      const ofProgramme = programme === undefined ? [] : await programmeStreams(this.reader.pool, schema, programme, at);
      // A programme no event names (a mistyped id) gave a root caller a bundle of no stream, which
      // verifies: evidence of nothing. It is the 404 of an unknown programme, as in its as-of.
      if (programme !== undefined && ofProgramme.length === 0)
        await refusalRecorded(this.trail, c, refused, () => {
          throw AuditRefusal.notFound(`programme ${programme}`);
        });
      if (ofProgramme.length > MAX_PROGRAMME_STREAMS)
        throw AuditRefusal.invalid(
          'programme',
          `超过 ${MAX_PROGRAMME_STREAMS} 个流，请分批导出 / more than ${MAX_PROGRAMME_STREAMS} streams: export by stream`,
        );
      const streams = inBundleOrder([...named, ...ofProgramme]);
      await this.trail.record(
        c.auditor,
        {
          query: 'export',
          streams,
          params: { context, ...(programme ? { programme } : {}), earlier: earlier.map((e) => e.size), ...headersOnly(res) },
        },
        c.correlationId,
      );
      const file = `evidence-${context}-${at.checkpoint.body.size}.tgz`;
      const counts = { events: eventsInBundle(at, streams), streams: streams.length };
      const written = await this.sendWhileConnected(lease, res, file, at, counts, (pool, signal) =>
        writeEvidenceBundle(pool, schema, at, streams, res, signal, earlier),
      );
      if (written)
        await this.trail.record(
          c.auditor,
          { query: 'export-completed', streams, params: { context, size: at.checkpoint.body.size, ...written } },
          c.correlationId,
        );
    });
  }

  /**
   * The whole log as one bundle (ADR 0079): every event of the store's log as of a checkpoint
   * signed now, in leaf order, with earlier published checkpoints and their consistency proofs;
   * the verifier recomputes the root and every stream's head, so it proves every stream complete
   * at once. For a mirror or an audit of everything; one decision's evidence is `export`.
   */
  @Get('export-log')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary:
      '导出整个日志的证据包 / export the whole log as one bundle that verifies offline (earlier=<size>, repeatable: published checkpoints to prove prefixes of it)',
  })
  @ApiRefusals({
    403: ['AUDIT.FORBIDDEN: the whole log spans a whole store: only an auditor of a root of the organisation tree may export it'],
    404: ['AUDIT.NOT_FOUND: an earlier checkpoint size that was never published'],
    429: ['LIMIT.TOO_MANY: all of your (or the service’s) long-work slots are taken (Retry-After says when to retry)'],
  })
  async exportLog(
    @Param('context') raw: string,
    @AuditParams(['earlier']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
    @Res() res: Response,
  ) {
    const context = this.logs.contextOf(raw);
    const sizes = earlierSizes(q['earlier']);
    const refused = { query: 'export' as const, streams: [], params: { context, whole: true, ...(sizes ? { earlier: sizes } : {}) } };
    await refusalRecorded(this.trail, c, refused, () => this.reach.checkRoot(c.auditor, 'export-log'));
    await this.leased(c, refused, async (lease) => {
      const at = await this.logs.signedNow(context);
      const schema = this.reader.stores[context].schema;
      const earlier = await refusalRecorded(this.trail, c, refused, () =>
        earlierCheckpoints(this.published, schema, at.checkpoint.body.size, sizes),
      );
      const size = at.checkpoint.body.size;
      const params = { context, whole: true, size, earlier: earlier.map((e) => e.size) };
      await this.trail.record(c.auditor, { query: 'export', streams: [], params: { ...params, ...headersOnly(res) } }, c.correlationId);
      const file = `evidence-log-${context}-${size}.tgz`;
      const written = await this.sendWhileConnected(lease, res, file, at, { events: size, streams: at.map.count }, (pool, signal) =>
        writeLogBundle(pool, schema, at, res, signal, earlier),
      );
      if (written)
        await this.trail.record(c.auditor, { query: 'export-completed', streams: [], params: { ...params, ...written } }, c.correlationId);
    });
  }

  /**
   * A bundle sent as it is written, on a long-work connection: its headers are set only once the
   * slot is ours (a refusal before it, 429, is answered as JSON, not as a gzip); a failure after
   * them can only cut the bundle short, which the verifier reports.
   */
  private sendWhileConnected(
    lease: Lease,
    res: Response,
    file: string,
    at: LogAtCheckpoint,
    counts: { events: number; streams: number },
    write: (pool: Pool, signal: AbortSignal) => Promise<{ sha256: string; bytes: number }>,
  ): Promise<{ sha256: string; bytes: number } | null> {
    const watch = downloadLimits();
    return this.whileConnected(
      lease,
      res,
      (pool, signal) => {
        res.status(200);
        res.setHeader('content-type', 'application/gzip');
        res.setHeader('content-disposition', `attachment; filename="${file}"`);
        res.setHeader('x-vanguard-verify', verifyCommand(file, at.signer.verifier));
        // How much is coming, for a progress bar: exact, from the log in memory.
        res.setHeader(EVENTS_HEADER, String(counts.events));
        res.setHeader(STREAMS_HEADER, String(counts.streams));
        // A HEAD sends no bundle, so none is written and no export is recorded as completed (ADR 0141).
        if (isHeadRequest(res)) return Promise.resolve(void res.end()).then(() => null);
        return write(pool, signal);
      },
      watch,
    ).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        for (const h of ['content-type', 'content-disposition', 'x-vanguard-verify', EVENTS_HEADER, STREAMS_HEADER]) res.removeHeader(h);
        throw e;
      }
      if (!res.destroyed) res.destroy(e as Error);
      return null;
    });
  }

  /**
   * One of the auditor's long-work slots (429 when none is free), held while `work` runs; a 429 is
   * recorded in the trail as the query with `refused: LIMIT.TOO_MANY` (and nothing else: the
   * query itself is recorded by `work`, once the slot is taken).
   */
  private async leased<T>(c: Caller, refused: AuditQuery, work: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = await refusalRecorded(this.trail, c, refused, () => this.longWork.acquire(c.auditor.sub));
    try {
      return await work(lease);
    } finally {
      lease.release();
    }
  }

  /**
   * Long work on a connection of its own (ADR 0019), under a slot already taken: a one-connection
   * pool that a client leaving, stalling or overrunning the bundle time cancels and closes at once.
   */
  private async whileConnected<T>(
    lease: Lease,
    res: Response,
    work: (pool: import('pg').Pool, signal: AbortSignal) => Promise<T>,
    watch?: { stallMs: number; maxMs: number },
  ) {
    const connection = this.connections();
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort(new Error('the client went away'));
    };
    res.on('close', onClose);
    // A client gone while the checkpoint was signed has already closed: nothing would ever drain.
    if (res.destroyed || res.socket?.destroyed) onClose();
    const unwatch = watch ? watchResponse(res, watch, (reason) => gone.abort(reason)) : () => undefined;
    const signal = AbortSignal.any([gone.signal, lease.signal]);
    const cancel = () => void connection.close();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      return await work(connection.pool, signal);
    } finally {
      unwatch();
      signal.removeEventListener('abort', cancel);
      res.off('close', onClose);
      await connection.close();
    }
  }
}

/** A HEAD's export is in the trail as one that sent the headers (the counts) and no bundle. */
const headersOnly = (res: Response): { headersOnly?: true } => (isHeadRequest(res) ? { headersOnly: true } : {});

/** Asked for NDJSON progress lines rather than one JSON answer at the end. */
const wantsProgress = (res: Response): boolean => /\bapplication\/x-ndjson\b/.test(res.req.headers.accept ?? '');

function onlyString(field: string, raw: unknown): string {
  if (typeof raw !== 'string') throw AuditRefusal.invalid(field, '须为一个流编号 / one stream id');
  return raw;
}

import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, type Role } from '@vanguard/auth';
import { ApiRefusals, streamBody, type ConcurrencyLimiter, type Lease } from '@vanguard/http';
import { AuditReader, MAX_TIMELINE_PAGE } from '../../application/audit-reader';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { CallerReach } from '../../application/caller-reach';
import { explainDecision } from '../../application/explain-decision';
import { streamKindOf } from '../../application/stream-catalog';
import { verifyStores, type VerifyScope } from '../../application/verify-stores';
import { VERIFICATION_CONNECTIONS, type VerificationConnections } from '../../infrastructure/verification-connections';
import { AuditCaller, INSTANT, parseInstant, parseInstantOrVersion, parsePositiveInt, POSITIVE_INTEGER, AuditParams } from './audit-params';
import { progressLines } from './progress-lines';
import { refusalRecorded } from './trail-refusals';

export const VERIFY_LIMITER = Symbol('VERIFY_LIMITER');
/** Only the auditor roles; the supervisor of auditors may audit too. */
export const AUDIT_ROLES: Role[] = ['auditor', 'audit_supervisor'];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,150}$/;

type Caller = { auditor: Auditor; correlationId: string };

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditHttpController {
  constructor(
    private readonly reader: AuditReader,
    private readonly trail: AuditTrail,
    private readonly reach: CallerReach,
    @Inject(VERIFY_LIMITER) private readonly verifications: ConcurrencyLimiter,
    @Inject(VERIFICATION_CONNECTIONS) private readonly connections: VerificationConnections,
  ) {}

  @Get('streams/:streamId/timeline')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '流的全部事件：谁、何角色、何组织、理由、依据、记录时间 / every event of a stream, paginated' })
  @ApiRefusals({ 404: ['AUDIT.NOT_FOUND: no such stream, or none of its events is in your subtree'] })
  async timeline(
    @Param('streamId') streamId: string,
    @AuditParams(['fromVersion', 'limit'], { limit: { ...POSITIVE_INTEGER, maximum: MAX_TIMELINE_PAGE, default: 50 } })
    q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    streamKindOf(streamId);
    const fromVersion = q['fromVersion'] === undefined ? 1 : parsePositiveInt('fromVersion', q['fromVersion']);
    const limit = q['limit'] === undefined ? 50 : parsePositiveInt('limit', q['limit'], MAX_TIMELINE_PAGE);
    await this.trail.record(c.auditor, { query: 'timeline', streams: [streamId], params: { fromVersion, limit } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [streamId]);
    return this.reader.timeline(streamId, fromVersion, limit);
  }

  @Get('streams/:streamId/as-of')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '某一时刻（at）或版本（version）时流的状态 / a stream as of an instant or version' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such stream, or none of its events is in your subtree'],
    422: ['AUDIT.STREAM_BROKEN: the stream’s hash chain is broken (the first broken link is named)'],
  })
  async asOf(@Param('streamId') streamId: string, @AuditParams(['at', 'version']) q: Record<string, unknown>, @AuditCaller() c: Caller) {
    streamKindOf(streamId);
    const at = parseInstantOrVersion(q, 'at', 'version');
    await this.trail.record(c.auditor, { query: 'as-of', streams: [streamId], params: { ...at } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [streamId]);
    return this.reader.asOf(streamId, at);
  }

  @Get('streams/:streamId/diff')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '两个时刻（或版本）之间逐字段的差异 / field-by-field diff between two instants or versions' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such stream, or none of its events is in your subtree'],
    422: ['AUDIT.STREAM_BROKEN: the stream’s hash chain is broken (the first broken link is named)'],
  })
  async diff(
    @Param('streamId') streamId: string,
    @AuditParams(['fromAt', 'fromVersion', 'toAt', 'toVersion']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    streamKindOf(streamId);
    const from = parseInstantOrVersion(q, 'fromAt', 'fromVersion');
    const to = parseInstantOrVersion(q, 'toAt', 'toVersion');
    // Two of a kind are compared here, before anything is read; an instant against a version, by the versions they fold to.
    if ('recordedAt' in from && 'recordedAt' in to && from.recordedAt > to.recordedAt)
      throw AuditRefusal.invalid('toAt', '结束时刻早于开始时刻 / `toAt` is before `fromAt`');
    if ('version' in from && 'version' in to && from.version > to.version)
      throw AuditRefusal.invalid('toVersion', '结束版本早于开始版本 / `toVersion` is before `fromVersion`');
    await this.trail.record(c.auditor, { query: 'diff', streams: [streamId], params: { from, to } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [streamId]);
    return this.reader.diff(streamId, from, to);
  }

  @Get('programmes/:programmeId/as-of')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '某一时刻的表彰项目：项目、公示、全部推荐 / a programme with its notice and nominations as of an instant' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such programme, or none of its events is in your subtree'],
    422: ['AUDIT.STREAM_BROKEN: the hash chain of the programme, its notice or a nomination is broken'],
  })
  async programmeAsOf(
    @Param('programmeId') programmeId: string,
    @AuditParams(['at']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    if (!ID.test(programmeId)) throw AuditRefusal.invalid('programmeId', '不是有效的编号 / not a valid id');
    const at = parseInstant('at', q['at']);
    const stream = `award-programme-${programmeId}`;
    await this.trail.record(c.auditor, { query: 'programme-as-of', streams: [stream], params: { at } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [stream]);
    return this.reader.programmeAsOf(programmeId, at);
  }

  @Get('streams/:streamId/decisions/:version/explain')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '以记录的依据与规则版本重放决定，说明是否复现 / replay a decision with its recorded inputs and rule versions' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such stream or version, or none of the stream’s events is in your subtree'],
    422: [
      'AUDIT.STREAM_BROKEN: the stream’s hash chain is broken, no replay over it',
      'AUDIT.NOT_A_DECISION: the event records no decision',
      'AUDIT.NO_REPLAYER: no replayer for this decision type, or an eligibility policy version this code does not know',
      'DECISION.PATH_NOT_RECORDED: recorded before decisions recorded their organisation path',
      'DECISION.REPLAY_FACT_MISSING: a fact the decision read elsewhere cannot be supplied',
      'DECISION.RULE_VERSION_UNKNOWN: a recorded rule version this code does not have',
      'CAMPAIGN.NO_CYCLE: the campaign had no cycle for the round’s month at the version read',
    ],
  })
  async explain(@Param('streamId') streamId: string, @Param('version') rawVersion: string, @AuditCaller() c: Caller) {
    streamKindOf(streamId);
    const version = parsePositiveInt('version', rawVersion);
    await this.trail.record(c.auditor, { query: 'explain', streams: [streamId], params: { version } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [streamId]);
    return explainDecision(this.reader, streamId, version);
  }

  /**
   * NDJSON: `{"progress":{done,total}}` lines (streams), then `{"result":…}`. A client that goes
   * away cancels the verification's statements at once and its connections close (ADR 0019).
   */
  @Get('verify')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '核验哈希链与完整性：单个流（stream）、时间段（from,to）或全部 / verify chains and completeness' })
  @ApiRefusals({
    403: [
      'AUDIT.FORBIDDEN: a time range or everything (no stream) spans a whole store: only an auditor of a root of the organisation tree may verify it',
    ],
    404: ['AUDIT.NOT_FOUND: no such stream, or none of its events is in your subtree'],
    429: ['LIMIT.TOO_MANY: all of your (or the service’s) verification and export slots are taken (Retry-After says when to retry)'],
  })
  async verify(
    @AuditParams(['stream', 'from', 'to'], { from: INSTANT, to: INSTANT }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const scope = verifyScopeOf(q);
    const streams = 'stream' in scope ? [scope.stream] : [];
    const query = { query: 'verify' as const, streams, params: { ...scope } };
    if (!('stream' in scope))
      await refusalRecorded(this.trail, c, query, () => this.reach.checkRoot(c.auditor, 'verify of a time range or of everything'));
    // The slot before the query is recorded: past the caller's slots the query is in the trail once,
    // with `refused: LIMIT.TOO_MANY`, as every other refusal (ADR 0094, amended 2026-12-05).
    const lease = await refusalRecorded(this.trail, c, query, () => this.verifications.acquire(c.auditor.sub));
    try {
      await this.trail.record(c.auditor, query, c.correlationId);
      await this.reach.checkStreams(c.auditor, streams);
      // A stream with no events is the 404 it is on every other stream route, before the answer starts (a root caller's too).
      if ('stream' in scope) await this.reader.head(scope.stream);
      await this.verifyWhileConnected(lease, scope, res);
    } finally {
      lease.release();
    }
  }

  /** The verification on connections of its own (ADR 0019), cancelled the moment the client leaves. */
  private async verifyWhileConnected(lease: Lease, scope: VerifyScope, res: Response): Promise<void> {
    // Two: the store's whole-store pass holds one for its cursor and now and then asks for another
    // (the cluster's next transaction id); with one it would wait on itself until the timeout.
    const connection = this.connections(2);
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort(new Error('the client went away'));
    };
    res.on('close', onClose);
    const signal = AbortSignal.any([gone.signal, lease.signal]);
    // Cancelled the moment the client leaves, not at the next stream: its statement may be waiting on a lock.
    const cancel = () => void connection.close();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      await streamBody(res, verifyLines(this.reader.withPool(connection.pool), scope, signal), { signal, stallMs: 30_000 });
    } finally {
      signal.removeEventListener('abort', cancel);
      res.off('close', onClose);
      await connection.close();
    }
  }
}

function verifyScopeOf(q: Record<string, unknown>): VerifyScope {
  if (q['stream'] !== undefined) {
    if (typeof q['stream'] !== 'string') throw AuditRefusal.invalid('stream', '须为一个流编号 / one stream id');
    // Both given, the range was dropped without a word: the caller meant one of them.
    const range = ['from', 'to'].find((k) => q[k] !== undefined);
    if (range) throw AuditRefusal.invalid(range, `给出流或时间段之一 / give a stream or a time range (from, to), not both`);
    streamKindOf(q['stream'], 'stream');
    return { stream: q['stream'] };
  }
  if (q['from'] !== undefined || q['to'] !== undefined) {
    const from = parseInstant('from', q['from']);
    const to = parseInstant('to', q['to']);
    if (from > to) throw AuditRefusal.invalid('to', '结束早于开始 / `to` is before `from`');
    return { from, to };
  }
  return { everything: true };
}

/** The scope first, progress as streams are verified, then the result. */
const verifyLines = (reader: AuditReader, scope: VerifyScope, signal: AbortSignal): AsyncGenerator<string> =>
  progressLines({ started: { scope } }, (onProgress) => verifyStores(reader, scope, { signal, onProgress }), signal, {
    code: 'AUDIT.VERIFY_FAILED',
    message: 'verification failed',
  });

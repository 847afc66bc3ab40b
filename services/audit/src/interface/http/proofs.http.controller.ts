import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { CallerReach } from '../../application/caller-reach';
import { ProofLogs } from '../../application/proof-logs';
import { AuditCaller, parsePositiveInt, POSITIVE_INTEGER, AuditParams, streamInContext } from './audit-params';
import { AUDIT_ROLES } from './audit.http.controller';

type Caller = { auditor: Auditor; correlationId: string };

/** Signed checkpoints and Merkle proofs over each store (libs/transparency-log). */
@ApiTags('transparency log')
@ApiBearerAuth()
@Controller('transparency/:context')
export class ProofsHttpController {
  constructor(
    private readonly logs: ProofLogs,
    private readonly trail: AuditTrail,
    private readonly reach: CallerReach,
  ) {}

  @Get('checkpoint')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '签名检查点（C2SP 格式）/ a signed C2SP checkpoint of the store as of now' })
  async checkpoint(@Param('context') raw: string, @AuditCaller() c: Caller) {
    const context = this.logs.contextOf(raw);
    await this.trail.record(c.auditor, { query: 'checkpoint', streams: [], params: { context } }, c.correlationId);
    const cp = await this.logs.checkpoint(context);
    return { checkpoint: cp.text, size: cp.body.size, root: cp.body.root.toString('base64'), vkey: cp.vkey };
  }

  @Get('inclusion')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '事件的包含证明 / inclusion proof of one event' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such stream or none of its events in your subtree, or the version is not in the log at that size'],
  })
  async inclusion(
    @Param('context') raw: string,
    @AuditParams(['stream', 'version', 'size']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    const context = this.logs.contextOf(raw);
    const stream = typeof q['stream'] === 'string' ? q['stream'] : '';
    streamInContext(stream, context, 'stream');
    const version = parsePositiveInt('version', q['version']);
    const size = q['size'] === undefined ? undefined : parsePositiveInt('size', q['size']);
    await this.trail.record(c.auditor, { query: 'inclusion', streams: [stream], params: { context, version, size } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [stream]);
    return this.logs.inclusion(context, stream, version, size);
  }

  @Get('proof')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary:
      '事件或整条流对某检查点的证明（含事件原文，整条流可按 fromVersion 分页）/ one event, or all of a stream (in pages from fromVersion, at most 2,000 a page, map entry on the first), with texts, inclusion paths and map entry at a checkpoint size (what `npm run audit -- prove` checks offline)',
  })
  @ApiRefusals({
    404: [
      'AUDIT.NOT_FOUND: no such stream or none of its events in your subtree, or the version (fromVersion) is not in the log at that size',
    ],
    422: ['AUDIT.LOGGED_EVENT_MISSING: an event the log holds is gone from the store, so the stream map at that size cannot be rebuilt'],
  })
  async proof(
    @Param('context') raw: string,
    @AuditParams(['stream', 'size', 'version', 'fromVersion']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    const context = this.logs.contextOf(raw);
    const stream = typeof q['stream'] === 'string' ? q['stream'] : '';
    streamInContext(stream, context, 'stream');
    const size = parsePositiveInt('size', q['size']);
    const version = q['version'] === undefined ? undefined : parsePositiveInt('version', q['version']);
    const fromVersion = q['fromVersion'] === undefined ? undefined : parsePositiveInt('fromVersion', q['fromVersion']);
    if (version !== undefined && fromVersion !== undefined)
      throw AuditRefusal.invalid('fromVersion', '须给出 version 或 fromVersion 之一 / give version or fromVersion, not both');
    await this.trail.record(
      c.auditor,
      { query: 'proof', streams: [stream], params: { context, size, version, fromVersion } },
      c.correlationId,
    );
    await this.reach.checkStreams(c.auditor, [stream]);
    return fromVersion === undefined
      ? this.logs.eventProofs(context, stream, size, version)
      : this.logs.eventPage(context, stream, size, fromVersion);
  }

  @Get('consistency')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '两个检查点之间的一致性证明 / consistency proof between two tree sizes' })
  async consistency(
    @Param('context') raw: string,
    @AuditParams(['from', 'to'], { from: POSITIVE_INTEGER, to: POSITIVE_INTEGER }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    const context = this.logs.contextOf(raw);
    const from = parsePositiveInt('from', q['from']);
    const to = parsePositiveInt('to', q['to']);
    await this.trail.record(c.auditor, { query: 'consistency', streams: [], params: { context, from, to } }, c.correlationId);
    return this.logs.consistency(context, from, to);
  }
}

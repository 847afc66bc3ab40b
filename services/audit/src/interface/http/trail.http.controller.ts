import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, auditorStream, type AuditQuery, type Auditor } from '../../application/audit-trail';
import { CallerReach } from '../../application/caller-reach';
import { AuditCaller, parsePositiveInt, POSITIVE_INTEGER, AuditParams } from './audit-params';
import { refusalRecorded } from './trail-refusals';

type Caller = { auditor: Auditor; correlationId: string };
/** Every route here: the trail is read at a root of the organisation tree only (CallerReach.checkTrailReader). */
const ROOT_ONLY =
  'AUDIT.FORBIDDEN: your organisation is not a root of the organisation tree (the auditors’ trail is the whole platform’s: read at the root only)';

/** An auditor's token subject, as the trail names their stream. */
function auditorOf(raw: unknown, required: boolean): string | undefined {
  if (raw === undefined && !required) return undefined;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(raw))
    throw AuditRefusal.invalid('auditor', '审计人员的 sub / the auditor’s token subject');
  return raw;
}

/**
 * The auditors' own trail and its proofs: `audit_supervisor` of a root of the organisation tree
 * only (the trail is every auditor's, all counties'; below the root 403, ADR 0094), and every read
 * of it is itself recorded, a refused one with `refused: <code>`.
 */
@ApiTags('audit trail')
@ApiBearerAuth()
@Controller('audit-trail')
export class TrailHttpController {
  constructor(
    private readonly trail: AuditTrail,
    private readonly reach: CallerReach,
  ) {}

  /** The query in the trail: with `refused: AUDIT.FORBIDDEN` for a supervisor below the root, who then reads nothing. */
  private async recorded(c: Caller, q: AuditQuery): Promise<void> {
    await refusalRecorded(this.trail, c, q, () => this.reach.checkTrailReader(c.auditor));
    await this.trail.record(c.auditor, q, c.correlationId);
  }

  /** The auditors' own queries, newest first. */
  @Get()
  @Roles('audit_supervisor')
  @ApiOperation({ summary: '审计人员的查询记录（仅省级审计监督）/ who audited what, when — audit_supervisor of the root only' })
  @ApiRefusals({ 403: [ROOT_ONLY] })
  async read(
    @AuditParams(['auditor', 'before', 'limit'], { limit: { ...POSITIVE_INTEGER, maximum: 200, default: 50 } }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    const auditor = auditorOf(q['auditor'], false);
    const before = q['before'] === undefined ? undefined : parsePositiveInt('before', q['before']);
    const limit = q['limit'] === undefined ? 50 : parsePositiveInt('limit', q['limit'], 200);
    await this.recorded(c, { query: 'trail', streams: auditor ? [auditorStream(auditor)] : [], params: { before, limit } });
    return this.trail.read({ auditor, before, limit });
  }

  /**
   * One auditor's entries as of a trail of `size` — the size a store's signed checkpoint commits
   * to in its `vanguard-trail/v1` line — with their stored texts, leaf indices and inclusion paths:
   * one `version`, or all of them a page at a time from `fromVersion` (default 1; at most 2,000 a
   * page, `next` the following page's), the stream's map entry on the first page. What
   * `npm run audit -- prove trail` checks offline (ADR 0077): a busy auditor passes 2,000 entries
   * soon, and "all of an auditor's entries" must hold for any number.
   */
  @Get('proof')
  @Roles('audit_supervisor')
  @ApiOperation({
    summary:
      '审计记录的证明（含原文，分页，仅省级审计监督）/ an auditor’s trail entries with texts and inclusion paths at a trail size committed in a signed checkpoint, one version or paged by fromVersion, map entry on the first page',
  })
  @ApiRefusals({
    403: [ROOT_ONLY],
    404: ['AUDIT.NOT_FOUND: the version (fromVersion) is not in the auditor’s trail at that size'],
    422: ['AUDIT.LOGGED_EVENT_MISSING: a trail entry the log holds is gone from the store, so the map at that size cannot be rebuilt'],
  })
  async proof(@AuditParams(['auditor', 'size', 'version', 'fromVersion']) q: Record<string, unknown>, @AuditCaller() c: Caller) {
    const stream = auditorStream(auditorOf(q['auditor'], true)!);
    const size = parsePositiveInt('size', q['size']);
    const version = q['version'] === undefined ? undefined : parsePositiveInt('version', q['version']);
    const fromVersion = q['fromVersion'] === undefined ? undefined : parsePositiveInt('fromVersion', q['fromVersion']);
    if (version !== undefined && fromVersion !== undefined)
      throw AuditRefusal.invalid('fromVersion', '须给出 version 或 fromVersion 之一 / give version or fromVersion, not both');
    await this.recorded(c, { query: 'trail-proof', streams: [stream], params: { size, version, fromVersion } });
    return version === undefined ? this.trail.log.eventPage(stream, size, fromVersion) : this.trail.log.eventProofs(stream, size, version);
  }

  /** That the trail committed in an older checkpoint is a prefix of the one in a newer (RFC 9162 consistency). */
  @Get('consistency')
  @Roles('audit_supervisor')
  @ApiOperation({
    summary:
      '审计记录两个大小之间的一致性证明（仅省级审计监督）/ consistency proof between two sizes of the auditors’ trail — audit_supervisor of the root only',
  })
  @ApiRefusals({ 403: [ROOT_ONLY] })
  async consistency(
    @AuditParams(['from', 'to'], { from: POSITIVE_INTEGER, to: POSITIVE_INTEGER }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    const from = parsePositiveInt('from', q['from']);
    const to = parsePositiveInt('to', q['to']);
    await this.recorded(c, { query: 'trail-consistency', streams: [], params: { from, to } });
    return this.trail.log.consistency(from, to);
  }
}

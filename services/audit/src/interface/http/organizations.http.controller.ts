import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AuditReader } from '../../application/audit-reader';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { streamKindOf } from '../../application/stream-catalog';
import { MAX_SUBTREE_PAGE, subtreeAsOf, subtreeStreams } from '../../application/subtree-as-of';
import { subtreeDiff, subtreeStreamsBetween } from '../../application/subtree-diff';
import { AuditOrgScope } from '../../infrastructure/audit-org-scope';
import { AuditCaller, parseInstant, parsePositiveInt, POSITIVE_INTEGER, AuditParams } from './audit-params';
import { AUDIT_ROLES } from './audit.http.controller';
import { refusalRecorded } from './trail-refusals';

/** A subtree page's `limit`, as the OpenAPI document says it (pageOf judges it). */
const SUBTREE_LIMIT = { ...POSITIVE_INTEGER, maximum: MAX_SUBTREE_PAGE, default: 50 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type Caller = { auditor: Auditor; correlationId: string };
/** Who may ask of an organisation: checkWithin's refusal. */
const OUT_OF_SUBTREE = 'AUDIT.FORBIDDEN: the organisation is not within your organisation’s subtree as the tree stands now';
/** An id the tree does not hold: answered as every other service answers one (ORGANIZATION.NOT_FOUND elsewhere), not as someone else's. */
const UNKNOWN_ORGANISATION = 'AUDIT.NOT_FOUND: no organisation of that id in the tree as it stands now';

/**
 * A whole organisation subtree as of an instant, or between two, inside the caller's own subtree
 * (ADR 0056): who may ask is judged by the tree as it stands, which organisations the subtree held
 * by the tree as it stood at each instant (ADR 0081).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsHttpController {
  constructor(
    private readonly reader: AuditReader,
    private readonly trail: AuditTrail,
    private readonly tree: AuditOrgScope,
  ) {}

  @Get(':orgId/as-of')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary: '某一时刻组织及其下级的全部流（按流编号分页）/ every stream of an organisation and those below it, as of an instant, paged',
  })
  @ApiRefusals({
    403: [OUT_OF_SUBTREE],
    404: [UNKNOWN_ORGANISATION],
    422: ['AUDIT.STREAM_BROKEN: the hash chain of a stream of the page is broken (the stream and its first broken link are named)'],
  })
  async asOf(
    @Param('orgId') orgId: string,
    @AuditParams(['at', 'after', 'limit'], { limit: SUBTREE_LIMIT }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    checkOrgId(orgId);
    const at = parseInstant('at', q['at']);
    const { after, limit } = pageOf(q);
    await refusalRecorded(this.trail, c, { query: 'subtree-as-of', streams: [], params: { orgId, at, after, limit } }, () =>
      this.checkWithin(c, orgId),
    );
    const orgIds = await this.tree.idsBelowOrSameAt(orgId, at);
    const page = await subtreeStreams(this.reader, orgIds, at, after, limit);
    // Recorded before any state is read, with the streams this page opens.
    await this.trail.record(
      c.auditor,
      { query: 'subtree-as-of', streams: page.streams.map((s) => s.streamId), params: { orgId, at, after, limit } },
      c.correlationId,
    );
    return subtreeAsOf(this.reader, orgId, orgIds.length, at, page);
  }

  @Get(':orgId/diff')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({
    summary:
      '组织及其下级两个时刻之间逐字段的差异：新增、移出、变更的流（按流编号分页）/ an organisation subtree between two instants: streams added, removed and changed, field by field, paged',
  })
  @ApiRefusals({
    403: [OUT_OF_SUBTREE],
    404: [UNKNOWN_ORGANISATION],
    422: ['AUDIT.STREAM_BROKEN: the hash chain of a stream of the page is broken (the stream and its first broken link are named)'],
  })
  async diff(
    @Param('orgId') orgId: string,
    @AuditParams(['fromAt', 'toAt', 'after', 'limit'], { limit: SUBTREE_LIMIT }) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    checkOrgId(orgId);
    const fromAt = parseInstant('fromAt', q['fromAt']);
    const toAt = parseInstant('toAt', q['toAt']);
    if (Date.parse(fromAt) > Date.parse(toAt)) throw AuditRefusal.invalid('toAt', '结束时刻早于开始时刻 / `toAt` is before `fromAt`');
    const { after, limit } = pageOf(q);
    await refusalRecorded(this.trail, c, { query: 'subtree-diff', streams: [], params: { orgId, fromAt, toAt, after, limit } }, () =>
      this.checkWithin(c, orgId),
    );
    const orgIds = { from: await this.tree.idsBelowOrSameAt(orgId, fromAt), to: await this.tree.idsBelowOrSameAt(orgId, toAt) };
    const page = await subtreeStreamsBetween(this.reader, orgIds, fromAt, toAt, after, limit);
    // Recorded before any state is read, with the streams this page opens (at either instant).
    await this.trail.record(
      c.auditor,
      { query: 'subtree-diff', streams: page.streams.map((s) => s.streamId), params: { orgId, fromAt, toAt, after, limit } },
      c.correlationId,
    );
    return subtreeDiff(this.reader, orgId, orgIds, fromAt, toAt, page);
  }

  /** 404 for an organisation the tree does not hold; 403 unless it is within the caller's own subtree as the tree stands now. */
  private async checkWithin(c: Caller, orgId: string): Promise<void> {
    const scope = await this.tree.scope();
    if (!scope.knows(orgId)) throw AuditRefusal.notFound(`组织 ${orgId} / organisation ${orgId}`);
    if (!scope.isWithin(c.auditor, orgId))
      throw AuditRefusal.forbidden(`无权审计本组织范围以外的组织 / organisation ${orgId} is outside your organisation's subtree`);
  }
}

function checkOrgId(orgId: string): void {
  if (!UUID.test(orgId)) throw AuditRefusal.invalid('orgId', '须为组织编号（UUID）/ must be an organisation id (a UUID)');
}

/** A subtree page: `after` a stream id (exclusive), `limit` up to MAX_SUBTREE_PAGE, 50 if not given. */
function pageOf(q: Record<string, unknown>): { after: string; limit: number } {
  const limit = q['limit'] === undefined ? 50 : parsePositiveInt('limit', q['limit'], MAX_SUBTREE_PAGE);
  const after = q['after'] === undefined ? '' : typeof q['after'] === 'string' ? q['after'] : '';
  if (q['after'] !== undefined) streamKindOf(after, 'after');
  return { after, limit };
}

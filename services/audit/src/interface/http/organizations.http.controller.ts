import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { AuditReader } from '../../application/audit-reader';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { streamKindOf } from '../../application/stream-catalog';
import { MAX_SUBTREE_PAGE, subtreeAsOf, subtreeStreams } from '../../application/subtree-as-of';
import { AuditOrgScope } from '../../infrastructure/audit-org-scope';
import { AuditCaller, parseInstant, parsePositiveInt } from './audit-params';
import { AUDIT_ROLES } from './audit.http.controller';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type Caller = { auditor: Auditor; correlationId: string };

/** A whole organisation subtree as of an instant, inside the caller's own subtree (ADR 0056). */
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
  async asOf(@Param('orgId') orgId: string, @Query() q: Record<string, unknown>, @AuditCaller() c: Caller) {
    if (!UUID.test(orgId)) throw AuditRefusal.invalid('orgId', '须为组织编号（UUID）/ must be an organisation id (a UUID)');
    const at = parseInstant('at', q['at']);
    const limit = q['limit'] === undefined ? 50 : parsePositiveInt('limit', q['limit'], MAX_SUBTREE_PAGE);
    const after = q['after'] === undefined ? '' : typeof q['after'] === 'string' ? q['after'] : '';
    if (q['after'] !== undefined) streamKindOf(after, 'after');
    const scope = await this.tree.scope();
    if (!scope.isWithin(c.auditor, orgId))
      throw AuditRefusal.forbidden(`无权审计本组织范围以外的组织 / organisation ${orgId} is outside your organisation's subtree`);
    const orgIds = scope.idsBelowOrSame(orgId);
    const page = await subtreeStreams(this.reader, orgIds, at, after, limit);
    // Recorded before any state is read, with the streams this page opens.
    await this.trail.record(
      c.auditor,
      { query: 'subtree-as-of', streams: page.streams.map((s) => s.streamId), params: { orgId, at, after, limit } },
      c.correlationId,
    );
    return subtreeAsOf(this.reader, orgId, orgIds.length, at, page);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { AuditCaller, parsePositiveInt } from './audit-params';

@ApiTags('audit trail')
@ApiBearerAuth()
@Controller('audit-trail')
export class TrailHttpController {
  constructor(private readonly trail: AuditTrail) {}

  /** The auditors' own queries, newest first. Reading the trail is itself recorded. */
  @Get()
  @Roles('audit_supervisor')
  @ApiOperation({ summary: '审计人员的查询记录（仅审计监督）/ who audited what, when — audit_supervisor only' })
  async read(@Query() q: Record<string, unknown>, @AuditCaller() c: { auditor: Auditor; correlationId: string }) {
    const auditor = q['auditor'];
    if (auditor !== undefined && (typeof auditor !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(auditor)))
      throw AuditRefusal.invalid('auditor', '审计人员的 sub / the auditor’s token subject');
    const before = q['before'] === undefined ? undefined : parsePositiveInt('before', q['before']);
    const limit = q['limit'] === undefined ? 50 : parsePositiveInt('limit', q['limit'], 200);
    await this.trail.record(
      c.auditor,
      { query: 'trail', streams: auditor ? [`auditor-${auditor}`] : [], params: { before, limit } },
      c.correlationId,
    );
    return this.trail.read({ auditor, before, limit });
  }
}

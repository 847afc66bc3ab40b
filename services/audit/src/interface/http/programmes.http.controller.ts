import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AuditReader } from '../../application/audit-reader';
import { AuditRefusal } from '../../application/audit-refusal';
import { AuditTrail, type Auditor } from '../../application/audit-trail';
import { CallerReach } from '../../application/caller-reach';
import { programmeDiff } from '../../application/programme-diff';
import { AuditCaller, parseInstant, AuditParams } from './audit-params';
import { AUDIT_ROLES } from './audit.http.controller';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,150}$/;
type Caller = { auditor: Auditor; correlationId: string };

/** A whole programme between two instants (its as-of at one instant is on AuditHttpController). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesHttpController {
  constructor(
    private readonly reader: AuditReader,
    private readonly trail: AuditTrail,
    private readonly reach: CallerReach,
  ) {}

  @Get(':programmeId/diff')
  @Roles(...AUDIT_ROLES)
  @ApiOperation({ summary: '表彰项目两个时刻之间逐字段的差异 / a programme, its notice and nominations, diffed between two instants' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no such programme, or none of its events is in your subtree'],
    422: ['AUDIT.STREAM_BROKEN: the hash chain of the programme, its notice or a nomination is broken'],
  })
  async diff(
    @Param('programmeId') programmeId: string,
    @AuditParams(['fromAt', 'toAt']) q: Record<string, unknown>,
    @AuditCaller() c: Caller,
  ) {
    if (!ID.test(programmeId)) throw AuditRefusal.invalid('programmeId', '不是有效的编号 / not a valid id');
    const fromAt = parseInstant('fromAt', q['fromAt']);
    const toAt = parseInstant('toAt', q['toAt']);
    if (fromAt > toAt) throw AuditRefusal.invalid('toAt', '结束时刻早于开始时刻 / `toAt` is before `fromAt`');
    const stream = `award-programme-${programmeId}`;
    await this.trail.record(c.auditor, { query: 'programme-diff', streams: [stream], params: { fromAt, toAt } }, c.correlationId);
    await this.reach.checkStreams(c.auditor, [stream]);
    return programmeDiff(this.reader, programmeId, fromAt, toAt);
  }
}

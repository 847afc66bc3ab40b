import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { WindowUnitHandlers } from '../../../application/commands/window-units/window-unit.handlers';
import { Ctx, PLEDGE_ROLES, uuidParam } from '../request-context';
import { ImportServiceRecordsRequest, PublishWindowCommitmentsRequest } from './window-unit.dto';

/**
 * 窗口单位 (ADR 0047): the unit publishes its commitments (三亮) and its systems send service records,
 * counted by month and kind (never typed-in totals). 三评 is a mass evaluation whose subject is the
 * unit: `POST /mass-evaluations` with a one-time code per service, cast at `POST /mass-evaluations/:id/ballots`.
 */
@ApiTags('window-units')
@ApiBearerAuth()
@Controller('window-units')
export class WindowUnitsHttpController {
  constructor(private readonly handlers: WindowUnitHandlers) {}

  @Put(':orgId/commitments')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '三亮 / publish the window unit’s duties, process, discipline and service line (replaces the earlier)' })
  @ApiRefusals({
    403: ['WINDOW_UNIT.NOT_ENTITLED: not a leader (admin, organizer, branch secretary) of the unit or an organisation above it'],
    404: ['ORGANIZATION.NOT_FOUND: the unit is no longer in the tree'],
    409: ['STREAM.CONCURRENT_CHANGE: the unit’s record changed meanwhile; reload and try again'],
  })
  publish(@Ctx() ctx: CommandContext, @Param('orgId', uuidParam('orgId')) orgId: string, @Body() b: PublishWindowCommitmentsRequest) {
    const { serviceName, duties, process, discipline, servicePhone, reason } = b;
    return this.handlers.publish(orgId, { serviceName, duties, process, discipline, servicePhone, reason }, ctx);
  }

  @Post(':orgId/service-records')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '服务记录导入 / a batch of records from the unit’s own systems, counted by month and kind, once per batch' })
  @ApiRefusals({
    403: ['WINDOW_UNIT.NOT_ENTITLED: records are sent for your organisation or one below it'],
    404: ['ORGANIZATION.NOT_FOUND: the unit is no longer in the tree'],
    409: [
      'WINDOW_UNIT.BATCH_COUNTED: this batch id is counted already',
      'WINDOW_UNIT.RECORDS_COUNTED: every record of the batch is counted already',
      'STREAM.CONCURRENT_CHANGE: the unit’s record changed meanwhile; reload and try again',
    ],
    422: ['WINDOW_UNIT.NOT_PUBLISHED: the unit has not published its commitments'],
  })
  import(@Ctx() ctx: CommandContext, @Param('orgId', uuidParam('orgId')) orgId: string, @Body() b: ImportServiceRecordsRequest) {
    return this.handlers.count(
      orgId,
      { batchId: b.batchId, source: 'import', records: b.records.map(({ recordId, kind, on }) => ({ recordId, kind, on })) },
      ctx,
    );
  }
}

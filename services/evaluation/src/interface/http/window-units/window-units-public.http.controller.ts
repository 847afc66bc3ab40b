import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@vanguard/auth';
import { ApiRefusals, perAddressRateGuard } from '@vanguard/http';
import { WindowUnitHandlers, type WindowUnitPage } from '../../../application/commands/window-units/window-unit.handlers';
import { uuidParam } from '../request-context';

/** Reads a minute each address may make of the public page (`EVALUATION_WINDOW_PAGE_RPM`, default 600). */
const pagePerMinute = (): number => Number(process.env['EVALUATION_WINDOW_PAGE_RPM'] ?? 600);

/** 窗口单位公开页: no token, rate-limited per address, the unit's commitments and counted services — no person in it. */
@ApiTags('public')
@Controller('public/window-units')
@UseGuards(perAddressRateGuard(pagePerMinute, { zh: '请求', en: 'reads' }))
export class WindowUnitsPublicHttpController {
  constructor(private readonly handlers: WindowUnitHandlers) {}

  @Public()
  @Get(':orgId')
  @ApiOperation({ summary: '窗口单位公开承诺 / a window unit’s published commitments and services counted, by month and kind' })
  @ApiOkResponse({
    description: 'WindowUnitPage: the commitments, services counted by month and kind, members holding each post (counts only)',
  })
  @ApiRefusals({
    404: ['WINDOW_UNIT.NOT_FOUND: not a window unit that has published its commitments'],
    429: ['LIMIT.TOO_MANY: 同一地址请求过多 / too many reads from one address; Retry-After says when to come back'],
  })
  page(@Param('orgId', uuidParam('orgId')) orgId: string): Promise<WindowUnitPage> {
    return this.handlers.page(orgId);
  }
}

import { BadRequestException, Body, Controller, Delete, ForbiddenException, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ScopeService } from '@vanguard/auth';
import { NoticePeriodV1 } from '@vanguard/commendation-domain';
import { WORK_CALENDAR, type WorkCalendarPort } from '../../../application/calendar/work-calendar.port';
import { decidedBy, type CommandContext } from '../../../application/commands/command-context';
import { CLOCK, type ClockPort } from '../../../application/ports/clock.port';
import { Ctx, PROGRAMME_ROLES, READ_ROLES, dayParam } from '../request-context';
import { CalendarYearResponse, NoticeEndQuery, NoticeEndResponse, SetCalendarDayRequest } from './calendar.dto';

/**
 * The working-day calendar (工作日历) public-notice periods count on: the operator marks public
 * holidays on weekdays and make-up working days on weekends; every change bumps the year's version.
 */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarHttpController {
  constructor(
    @Inject(WORK_CALENDAR) private readonly calendar: WorkCalendarPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    private readonly scope: ScopeService,
  ) {}

  @Get('notice-end')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '公示截止日 / the last day of a notice of N calendar or working days starting on a day' })
  @ApiOkResponse({ type: NoticeEndResponse })
  async noticeEnd(@Query() q: NoticeEndQuery): Promise<NoticeEndResponse> {
    dayParam('from', q.from);
    const year = Number(q.from.slice(0, 4));
    const snap = await this.calendar.snapshot(year, year + 1);
    return { endsOn: NoticePeriodV1.endsOn(q.from, q.days, q.basis ?? 'working', snap.adjustments), inputs: [...snap.inputs] };
  }

  @Get(':year')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '一年的调整 / a year’s holidays and make-up working days, with its version' })
  @ApiOkResponse({ type: CalendarYearResponse })
  async year(@Param('year') raw: string): Promise<CalendarYearResponse> {
    // Read here, not by ParseIntPipe, whose 400 named no field.
    const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN;
    if (!(year >= 2000 && year <= 2100))
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: '请求参数有误 / invalid request: year: must be between 2000 and 2100',
        errors: [{ field: 'year', reason: 'year must be between 2000 and 2100' }],
      });
    const { version, days } = await this.calendar.year(year);
    return { year, version, days: [...days] };
  }

  @Put('days/:day')
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '设定一天 / mark a day a holiday or a make-up working day' })
  @ApiOkResponse({ description: '{ "version": n }: the year’s new version' })
  async set(@Ctx() ctx: CommandContext, @Param('day') day: string, @Body() b: SetCalendarDayRequest): Promise<{ version: number }> {
    dayParam('day', day);
    this.platformOnly(ctx);
    return { version: await this.calendar.set(day, { kind: b.kind, name: b.name }, decidedBy(ctx), this.clock.now()) };
  }

  @Delete('days/:day')
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '取消调整 / the day counts by its weekday again' })
  @ApiOkResponse({ description: '{ "version": n }: the year’s new version' })
  async clear(@Ctx() ctx: CommandContext, @Param('day') day: string): Promise<{ version: number }> {
    dayParam('day', day);
    this.platformOnly(ctx);
    return { version: await this.calendar.set(day, null, decidedBy(ctx), this.clock.now()) };
  }

  /** Every programme's notice counts on this calendar: an organiser of the tree's top organisation sets it, no county's. */
  private platformOnly(ctx: CommandContext): void {
    if (!this.scope.isRoot(ctx.caller.orgId))
      throw new ForbiddenException({
        code: 'SCOPE.PLATFORM_ONLY',
        message: '工作日历全省通用，仅省级可调整 / the working calendar is the whole platform’s: only the top organisation sets it',
      });
  }
}

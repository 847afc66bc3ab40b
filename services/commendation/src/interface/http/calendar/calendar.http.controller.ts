import { BadRequestException, Body, Controller, Delete, ForbiddenException, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles, ScopeService } from '@vanguard/auth';
import { NoticePeriodV1 } from '@vanguard/commendation-domain';
import { ApiRefusals } from '@vanguard/http';
import {
  CALENDAR_YEARS,
  WORK_CALENDAR,
  isCalendarYear,
  noticeYears,
  type WorkCalendarPort,
} from '../../../application/calendar/work-calendar.port';
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
    const year = calendarYearOf('from', q.from);
    const snap = await this.calendar.snapshot(...noticeYears(year));
    const endsOn = NoticePeriodV1.endsOn(q.from, q.days, q.basis ?? 'working', snap.adjustments);
    // Past the last year no day can be set, so a working-day count there would read no holiday.
    if (!isCalendarYear(Number(endsOn.slice(0, 4))))
      throw invalid(
        'days',
        `公示期结束于 ${CALENDAR_YEARS.last} 年之后 / a notice of ${q.days} days from ${q.from} ends after ${CALENDAR_YEARS.last}, past the calendar's years`,
      );
    return { endsOn, inputs: [...snap.inputs] };
  }

  @Get(':year')
  @ApiParam({ name: 'year', schema: { type: 'integer', minimum: CALENDAR_YEARS.first, maximum: CALENDAR_YEARS.last } })
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '一年的调整 / a year’s holidays and make-up working days, with its version' })
  @ApiOkResponse({ type: CalendarYearResponse })
  async year(@Param('year') raw: string): Promise<CalendarYearResponse> {
    // Read here, not by ParseIntPipe, whose 400 named no field.
    const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN;
    if (!isCalendarYear(year))
      throw invalid(
        'year',
        `须为 ${CALENDAR_YEARS.first}–${CALENDAR_YEARS.last} 年 / year must be between ${CALENDAR_YEARS.first} and ${CALENDAR_YEARS.last}`,
      );
    const { version, days } = await this.calendar.year(year);
    return { year, version, days: [...days] };
  }

  @Put('days/:day')
  @ApiParam({ name: 'day', schema: { type: 'string', format: 'date' } })
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '设定一天 / mark a day a holiday or a make-up working day' })
  @ApiOkResponse({ description: '{ "version": n }: the year’s new version' })
  @ApiRefusals({ 403: ['SCOPE.PLATFORM_ONLY: the working calendar is the whole platform’s, set only by the tree’s top organisation'] })
  async set(@Ctx() ctx: CommandContext, @Param('day') day: string, @Body() b: SetCalendarDayRequest): Promise<{ version: number }> {
    calendarYearOf('day', day);
    this.platformOnly(ctx);
    return { version: await this.calendar.set(day, { kind: b.kind, name: b.name }, decidedBy(ctx), this.clock.now()) };
  }

  @Delete('days/:day')
  @ApiParam({ name: 'day', schema: { type: 'string', format: 'date' } })
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '取消调整 / the day counts by its weekday again' })
  @ApiOkResponse({ description: '{ "version": n }: the year’s new version' })
  @ApiRefusals({ 403: ['SCOPE.PLATFORM_ONLY: the working calendar is the whole platform’s, set only by the tree’s top organisation'] })
  async clear(@Ctx() ctx: CommandContext, @Param('day') day: string): Promise<{ version: number }> {
    calendarYearOf('day', day);
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

function invalid(field: string, reason: string): BadRequestException {
  return new BadRequestException({
    code: 'REQUEST.INVALID',
    message: `请求参数有误 / invalid request: ${field}: ${reason}`,
    errors: [{ field, reason }],
  });
}

/** The year of a day the calendar keeps, or a 400 naming the field. */
function calendarYearOf(field: string, value: string): number {
  const year = Number(dayParam(field, value).slice(0, 4));
  if (!isCalendarYear(year))
    throw invalid(
      field,
      `须在 ${CALENDAR_YEARS.first}–${CALENDAR_YEARS.last} 年之间 / ${field} must fall in the calendar's years, ${CALENDAR_YEARS.first}–${CALENDAR_YEARS.last}`,
    );
  return year;
}

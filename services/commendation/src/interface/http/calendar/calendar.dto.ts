import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsDay, QueryInt, IsNotBlank, MaxLength } from '@vanguard/http';

export class SetCalendarDayRequest {
  @ApiProperty({ enum: ['holiday', 'workday'], description: 'holiday: a weekday off (节假日); workday: a weekend day worked (调休上班)' })
  @IsIn(['holiday', 'workday'])
  kind!: 'holiday' | 'workday';

  @ApiProperty({ example: '端午节' }) @IsString() @IsNotBlank() @MaxLength(100) name!: string;
}

export class CalendarDayResponse {
  @ApiProperty({ example: '2011-06-06' }) day!: string;
  @ApiProperty({ enum: ['holiday', 'workday'] }) kind!: 'holiday' | 'workday';
  @ApiProperty({ example: '端午节' }) name!: string;
}

export class CalendarYearResponse {
  @ApiProperty({ example: 2011 }) year!: number;
  @ApiProperty({ description: 'bumped by every change; a notice period records the version it read' }) version!: number;
  @ApiProperty({ type: [CalendarDayResponse] }) days!: CalendarDayResponse[];
}

export class NoticeEndQuery {
  @ApiProperty({ example: '2011-06-01' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: 7, minimum: 1, maximum: 60 })
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(60)
  days!: number;

  @ApiPropertyOptional({ enum: ['calendar', 'working'], default: 'working' })
  @IsOptional()
  @IsIn(['calendar', 'working'])
  basis?: 'calendar' | 'working';
}

export class NoticeEndResponse {
  @ApiProperty({ example: '2011-06-09' }) endsOn!: string;
  @ApiProperty({ description: 'the calendar years read, as `calendar-<year>` at their versions' })
  inputs!: { streamId: string; version: number }[];
}

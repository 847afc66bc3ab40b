import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PERIOD_PATTERN } from '../../domain/period';
import { IsUuid, QueryInt } from '@vanguard/http';

export class PeriodQuery {
  @ApiProperty({ description: 'a year (2026) or a quarter (2026-Q3); days are Asia/Shanghai', example: '2026' })
  @Matches(PERIOD_PATTERN, { message: 'period must be a year from 1900 to 2099 (YYYY) or a quarter (YYYY-Qn)' })
  period!: string;
}

export class TraceQuery extends PeriodQuery {
  @ApiProperty({ description: 'the root of the subtree the figure was computed for' })
  @IsUuid('all', { message: 'orgId must be a UUID' })
  orgId!: string;

  @ApiPropertyOptional({ description: 'at most this many events in one page (default 500, max 5000)' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;

  @ApiPropertyOptional({ description: "the previous page's `next` cursor: the events after that page's last one" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: "after must be a page's next cursor" })
  after?: string;
}

export class SeriesQuery extends PeriodQuery {
  @ApiProperty({ description: 'a figure key (GET /reports/figures lists them)', example: 'pledges_made' })
  @Matches(/^[a-z_]{1,60}$/, { message: 'figure must be a figure key' })
  figure!: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MAX_PAGE_LIMIT, QueryInt, MaxLength } from '@vanguard/http';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  // The platform's one bound (libs/http), so no list here serves a larger page than another service's.
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;
}

export const pageOf = (q: PageQueryDto) => ({ limit: q.limit ?? 50, ...(q.cursor ? { cursor: q.cursor } : {}) });

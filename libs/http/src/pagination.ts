import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest page a list endpoint serves. */
export const MAX_PAGE_LIMIT = 200;
/**
 * Largest offset a list endpoint accepts. Beyond it Postgres refuses the value (bigint out of range → 500)
 * long before any list is that long, so the cap turns hostile input into a 400 naming `offset`.
 */
export const MAX_PAGE_OFFSET = 1_000_000;

/** limit/offset of every list query: the one place their bounds live. */
export class PaginationQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: MAX_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_PAGE_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset?: number;
}

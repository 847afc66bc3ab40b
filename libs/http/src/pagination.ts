import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest page a list endpoint serves. */
export const MAX_PAGE_LIMIT = 200;
/**
 * Largest offset a list endpoint accepts. Beyond it Postgres refuses the value (bigint out of range → 500)
 * long before any list is that long, so the cap turns hostile input into a 400 naming `offset`.
 */
export const MAX_PAGE_OFFSET = 1_000_000;

/**
 * A whole number in a query string, written in decimal digits (a sign allowed) and nothing else:
 * `Number()` would also read `0x10` as 16, `1e3` as 1000 and `' 5 '` or `''` as numbers. Anything
 * else stays text, which `@IsInt()` then refuses with a 400 naming the parameter.
 */
export function QueryInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));
}

/** limit/offset of every list query: the one place their bounds live. */
export class PaginationQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: MAX_PAGE_LIMIT })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_PAGE_OFFSET })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset?: number;
}

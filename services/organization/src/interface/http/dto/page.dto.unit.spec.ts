import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_PAGE_LIMIT } from '@vanguard/http';
import { PageQueryDto } from './page.dto';

const errorsFor = (query: Record<string, string>) =>
  validateSync(plainToInstance(PageQueryDto, query)).map((e) => ({ field: e.property, rules: Object.keys(e.constraints ?? {}) }));

describe(PageQueryDto.name, () => {
  it('limit_WhenAtTheSharedMaximum_IsAccepted', () => {
    expect(errorsFor({ limit: String(MAX_PAGE_LIMIT) })).toEqual([]);
  });

  it.each([String(MAX_PAGE_LIMIT + 1), '1000'])('limit_When%sAboveTheSharedMaximum_IsRefusedNamingLimit', (limit) => {
    expect(errorsFor({ limit })).toEqual([{ field: 'limit', rules: ['max'] }]);
  });
});

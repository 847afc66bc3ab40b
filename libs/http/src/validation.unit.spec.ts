import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryInt } from './pagination';
import { validationPipe, reasonsOf } from './validation';

class Page {
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

const reasons = async (value: unknown): Promise<unknown> => {
  try {
    await validationPipe().transform({ limit: value }, { type: 'query', metatype: Page });
    return 'valid';
  } catch (e) {
    return ((e as BadRequestException).getResponse() as { errors: unknown }).errors;
  }
};

describe('the validation pipe’s reasons', () => {
  it('says only what kind of value a field takes when the value is not of that kind (a hostile probe: three contradictory reasons)', async () => {
    for (const value of ['abc', '1.5', '0x10', ''])
      expect({ value, errors: await reasons(value) }).toEqual({
        value,
        errors: [{ field: 'limit', reason: 'limit must be an integer number' }],
      });
  });

  it('gives the bounds a value of the right kind breaks', async () => {
    expect(await reasons('0')).toEqual([{ field: 'limit', reason: 'limit must not be less than 1' }]);
    expect(await reasons('5001')).toEqual([{ field: 'limit', reason: 'limit must not be greater than 5000' }]);
    expect(await reasons('20')).toBe('valid');
  });

  it('keeps every reason when no kind check failed', () => {
    expect(reasonsOf({ min: 'a', matches: 'b' })).toEqual(['a', 'b']);
    expect(reasonsOf({ max: 'a', isInt: 'b', isString: 'c' })).toEqual(['b', 'c']);
  });
});

import { BadRequestException } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from './not-blank';
import { QueryInt } from './pagination';
import { IsDay, IsPlainText, NestedObject, validationPipe, reasonsOf } from './validation';

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
        errors: [{ field: 'limit', reason: '须为整数 / limit must be an integer number' }],
      });
  });

  it('gives the bounds a value of the right kind breaks', async () => {
    expect(await reasons('0')).toEqual([{ field: 'limit', reason: '小于下限 / limit must not be less than 1' }]);
    expect(await reasons('5001')).toEqual([{ field: 'limit', reason: '大于上限 / limit must not be greater than 5000' }]);
    expect(await reasons('20')).toBe('valid');
  });

  it('keeps every reason when no kind check failed', () => {
    expect(reasonsOf({ min: 'a', matches: 'b' })).toEqual(['a', 'b']);
    expect(reasonsOf({ max: 'a', isInt: 'b', isString: 'c' })).toEqual(['b', 'c']);
  });
});

class Place {
  @IsString()
  name!: string;
}

/** A field of each kind of check the services' request classes use. */
class Everything {
  @IsString() @MaxLength(3) short!: string;
  @IsInt() @Min(1) count!: number;
  @IsUUID() id!: string;
  @IsIn(['a', 'b']) choice!: string;
  @IsBoolean() flag!: boolean;
  @IsDay('on') on!: string;
  @IsArray() @ArrayMaxSize(1) list!: string[];
  @IsNotBlank() title!: string;
  @IsPlainText('text') text!: string;
  @NestedObject(() => Place) place!: Place;
}

describe('the validation pipe’s reasons in Chinese', () => {
  it('gives every refused field its reason in Chinese first, then the English', async () => {
    let errors: { field: string; reason: string }[] = [];
    try {
      await validationPipe().transform(
        {
          short: 'abcd',
          count: 0,
          id: 'x',
          choice: 'c',
          flag: 'yes',
          on: '2011-02-30',
          list: ['a', 'b'],
          title: '  ',
          text: '<b>',
          place: { name: 1 },
          extra: 1,
          姓名: 1,
        },
        { type: 'body', metatype: Everything },
      );
    } catch (e) {
      errors = ((e as BadRequestException).getResponse() as { errors: typeof errors }).errors;
    }
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['choice', 'count', 'extra', 'flag', 'id', 'list', 'on', 'place.name', 'short', 'text', 'title', '姓名'].sort(),
    );
    // Chinese, then " / " and class-validator's English naming the field.
    for (const { field, reason } of errors)
      expect({ field, reason }).toEqual({ field, reason: expect.stringMatching(/^[\u4e00-\u9fff][^/]* \/ .*\w/) });
    expect(errors.find((e) => e.field === 'count')?.reason).toBe('小于下限 / count must not be less than 1');
    expect(errors.find((e) => e.field === 'extra')?.reason).toBe('不接受该字段 / property extra should not exist');
    // A reason that only quotes Chinese (the field's own name) still gets the check's words first.
    expect(errors.find((e) => e.field === '姓名')?.reason).toBe('不接受该字段 / property 姓名 should not exist');
  });
});

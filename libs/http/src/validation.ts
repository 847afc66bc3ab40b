import { applyDecorators, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, Matches, ValidateBy, ValidateNested } from 'class-validator';
import { DAY_YEARS, isCalendarDay } from '@vanguard/contracts';
import { reasonInChinese } from './reason-in-chinese';

/** class-validator's names of the checks that say what kind of value a field takes. */
const KIND_CHECKS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isUuid', 'isDay', 'isEnum', 'isIn']);

/**
 * A field's reasons: only what kind of value it takes when that failed. "abc" for a count answered
 * "must not be greater than 5000; must not be less than 1; must be an integer number": the bounds
 * said nothing true of a value that is no number at all.
 */
export function reasonsOf(constraints: Readonly<Record<string, string>>): string[] {
  return checksOf(constraints).map((name) => constraints[name]!);
}

/** reasonsOf, each with its check's Chinese first (reason-in-chinese.ts): what a 400 and an import row give. */
export function chineseReasonsOf(constraints: Readonly<Record<string, string>>): string[] {
  return checksOf(constraints).map((check) => reasonInChinese(check, constraints[check]!));
}

/** The names of the checks whose reasons a field gives (reasonsOf). */
function checksOf(constraints: Readonly<Record<string, string>>): string[] {
  const kind = Object.keys(constraints).filter((name) => KIND_CHECKS.has(name));
  return kind.length ? kind : Object.keys(constraints);
}

function flatten(errors: ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    const own = chineseReasonsOf(constraints).map((reason) => ({ field, reason }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Whitelisting validation whose 400 names each bad field and why, in Chinese first (reason-in-chinese.ts). */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${list.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
        errors: list,
      });
    },
  });
}

/**
 * A calendar day `YYYY-MM-DD` that exists (2011-02-30 is refused), named in the 400: every
 * service's day fields, by the contracts' one rule (isCalendarDay). A pattern alone let
 * 2011-02-30 through; stored in an event it then failed every read model that casts it to a date.
 */
export const IsDay = (field: string) =>
  ValidateBy({
    name: 'isDay',
    validator: {
      validate: isCalendarDay,
      defaultMessage: () => `${field} must be a date YYYY-MM-DD (a calendar day, years ${DAY_YEARS.first}–${DAY_YEARS.last})`,
    },
  });

/**
 * A field holding one object of `type`, validated as that DTO. ValidateNested alone takes an array
 * too, validating each element as the DTO: `timeline: [{…}]` was stored as a programme with no
 * notice period, and `themes: []` as a cycle with no theme. So the value must be an object first.
 */
export const NestedObject = (type: () => new () => object) =>
  applyDecorators(IsObject({ message: '$property must be an object, not an array or a scalar' }), ValidateNested(), Type(type));

/** A field holding an array of objects of `type`, each validated as that DTO (and none an array itself). Say IsArray and its sizes beside it. */
export const NestedObjects = (type: () => new () => object) =>
  applyDecorators(IsObject({ each: true, message: 'each of $property must be an object' }), ValidateNested({ each: true }), Type(type));

/** A day field not before another day field of the same object (`to` not before `from`); checked only when both are days. */
export const IsDayNotBefore = (field: string, earlier: string) =>
  ValidateBy({
    name: 'isDayNotBefore',
    validator: {
      validate: (value: unknown, args) => {
        const start = (args?.object as Record<string, unknown>)[earlier];
        return !isCalendarDay(value) || !isCalendarDay(start) || value >= start;
      },
      defaultMessage: () => `${field} must not be before ${earlier}`,
    },
  });

/**
 * Text shown as it is, never as markup: no `<` or `>` (400 naming the field). A name or summary
 * one service shows on a public page is another's to publish: `<img src=x onerror=…>` as a
 * nominee's name reached the public notice verbatim while publicity refused it in its own fields.
 */
export const IsPlainText = (field: string) =>
  Matches(/^[^<>]*$/, { message: `不得含 < 或 > / ${field} must be plain text without < or >` });

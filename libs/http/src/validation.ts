import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateBy } from 'class-validator';
import { isCalendarDay } from '@vanguard/contracts';

function flatten(errors: ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Whitelisting validation whose 400 names each bad field and why. */
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
    validator: { validate: isCalendarDay, defaultMessage: () => `${field} must be a date YYYY-MM-DD (a calendar day, years 0001–9999)` },
  });

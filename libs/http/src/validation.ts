import { applyDecorators, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

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

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar day `YYYY-MM-DD` that exists (2011-02-30 is refused), named in the 400: every
 * service's day fields, one rule. A pattern alone let 2011-02-30 through; stored in an event it
 * then failed every read model that casts it to a date, on every retry, for good.
 */
export const IsDay = (field: string) =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: `${field} must be a date YYYY-MM-DD` }),
    Matches(DAY, { message: `${field} must be a date YYYY-MM-DD` }),
  );

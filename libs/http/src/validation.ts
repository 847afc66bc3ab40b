import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

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

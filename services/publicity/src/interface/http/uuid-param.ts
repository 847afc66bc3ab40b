import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

export const uuidParam = (field: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${field}: must be a UUID`,
        errors: [{ field, reason: `${field} must be a UUID` }],
      }),
  });

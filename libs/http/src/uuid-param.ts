import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';
import { reasonInChinese } from './reason-in-chinese';

/**
 * A path parameter that must be a UUID: 400 `REQUEST.INVALID` naming it, in the platform's error
 * shape (Nest's own pipe answers "Validation failed (uuid is expected)", naming nothing).
 */
export const uuidParam = (field: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${field}: 须为 UUID / must be a UUID`,
        errors: [{ field, reason: reasonInChinese('isUuid', `${field} must be a UUID`) }],
      }),
  });

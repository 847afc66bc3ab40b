import {
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  UnprocessableEntityException,
  type HttpException,
} from '@nestjs/common';

/** Refusals of audit queries: 400 naming the field, 404 naming what is missing, 422 naming the rule; never a 500. */
export const AuditRefusal = {
  invalid: (field: string, reason: string): HttpException =>
    new BadRequestException({ code: 'AUDIT.INVALID', message: reason, errors: [{ field, reason }] }),
  notFound: (what: string): HttpException => new NotFoundException({ code: 'AUDIT.NOT_FOUND', message: `未找到 / not found: ${what}` }),
  forbidden: (reason: string): HttpException => new ForbiddenException({ code: 'AUDIT.FORBIDDEN', message: reason }),
  notReplayable: (code: string, reason: string): HttpException => new UnprocessableEntityException({ code, message: reason }),
};

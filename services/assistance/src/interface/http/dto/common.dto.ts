import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (2011-02-30 is refused), named in the 400. */
export const IsDay = (field: string) =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: `${field} must be a date YYYY-MM-DD` }),
    Matches(DAY, { message: `${field} must be a date YYYY-MM-DD` }),
  );

import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { codePointLength } from '@vanguard/kernel';

/**
 * `@MaxLength` measured as the event contracts measure: in Unicode code points, as zod's `.max`
 * and JSON Schema's `maxLength` count. class-validator's own leaves out every variation selector
 * (U+FE0E, U+FE0F), so `✔️` was one character to the request and two to the event: a text the
 * request let through failed the contract of the event the command writes, a 500 instead of a
 * 400 naming the field, and a milestone title stored that way made every later event of its
 * project fail. Same name and message as class-validator's, so refusals and the OpenAPI limits
 * read it as they read that one (ADR 0161).
 */
export function MaxLength(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && (value.length <= max || codePointLength(value) <= max),
        defaultMessage: buildMessage((each) => `${each}$property must be shorter than or equal to $constraint1 characters`, options),
      },
    },
    options,
  );
}

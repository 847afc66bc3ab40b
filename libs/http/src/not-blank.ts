import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isBlankText } from '@vanguard/kernel';

/**
 * Text the domain trims before it stores it (names, a leader's name) must keep something after
 * trimming: IsNotEmpty let "   " through, the aggregate made it '', and the refusal came late —
 * a 422, or a 500 from the outbox's contract check. A 400 naming the field instead.
 */
export const IsNotBlank = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && !isBlankText(v),
        defaultMessage: (args) => `${options?.each ? 'each of ' : ''}${args?.property ?? 'value'} must not be blank`,
      },
    },
    options,
  );

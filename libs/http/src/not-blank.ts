import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Text the domain trims before it stores it (names, a leader's name) must keep something after
 * trimming: IsNotEmpty let "   " through, the aggregate made it '', and the refusal came late —
 * a 422, or a 500 from the outbox's contract check. A 400 naming the field instead.
 */
// Spaces of every kind, and what shows as nothing: zero-width and other format characters, the
// Braille and Hangul blanks (a probe published a service name of two U+200B).
const BLANK = /[\s\p{Z}\p{Cf}\u2800\u3164\u115f\u1160\uffa0]/gu;

export const IsNotBlank = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && v.replace(BLANK, '').length > 0,
        defaultMessage: (args) => `${options?.each ? 'each of ' : ''}${args?.property ?? 'value'} must not be blank`,
      },
    },
    options,
  );

import type { NamedRefinement } from './refinements';

export type PersonalNumberKind = 'id-number' | 'phone';

// Free text (a rejection reason) is published in clear, so it must not carry the numbers that
// identify a person: an ID-card number (18 characters, the last a digit or X; 15 digits for
// the old cards) or a phone number (mobile 1[3-9] + 9 digits; landline 0 + area code + 7–8
// digits). Full-width digits and spaces or hyphens inside the number are seen through.
const PATTERNS: readonly [PersonalNumberKind, RegExp][] = [
  ['id-number', /(?<![0-9])(?:[0-9]{17}[0-9X]|[0-9]{15})(?![0-9X])/i],
  ['phone', /(?<![0-9])(?:\+?86)?(?:1[3-9][0-9]{9}|0[0-9]{2,3}[0-9]{7,8})(?![0-9])/],
];

/** The kinds of personal number found in `text` (empty when none): the one check for DTOs, the domain and contracts. */
export function personalNumbersIn(text: string): PersonalNumberKind[] {
  const plain = text.normalize('NFKC');
  // Joined as well as raw: "139 1234 5678" is a phone, and joining "2011-05-05 13912345678" must not hide one.
  const joined = plain.replace(/(?<=[0-9])[\s\-–—]+(?=[0-9X])/gi, '');
  return PATTERNS.filter(([, re]) => re.test(plain) || re.test(joined)).map(([kind]) => kind);
}

/**
 * The contract form of the same check: `refineBy(z.string(), noPersonalNumbers)`. Self-contained
 * apart from `personalNumbersIn` in this file, whose source is part of its digest.
 */
export const noPersonalNumbers: NamedRefinement<string> = {
  name: 'no-personal-numbers',
  version: 1,
  description: 'carries no ID-card number (15 or 18 characters) and no phone number (mobile or landline), even spaced or full-width',
  check: (value, ctx) => {
    for (const kind of personalNumbersIn(value))
      ctx.addIssue({ code: 'custom', message: `must not carry a ${kind === 'phone' ? 'phone number' : 'ID-card number'}` });
  },
};

import type { NamedRefinement } from '../refinements';

/** Roles and posts are sets: each value once. */
export const eachValueOnce: NamedRefinement<readonly string[]> = {
  name: 'each-value-once',
  version: 1,
  description: 'each value may appear only once',
  check: (values, ctx) => {
    if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', message: 'each value may appear only once' });
  },
};

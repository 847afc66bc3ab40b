import type { Decision } from '@vanguard/contracts';

/** Who took a decision, in which role, for which organisation: recorded on every decision event. */
export type DecidedBy = Decision['decidedBy'];

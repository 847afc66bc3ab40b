import type { CommendationDecision } from '@vanguard/contracts';

/** Who took a decision, in which role, for which organisation: recorded on every decision event. */
export type DecidedBy = CommendationDecision['decidedBy'];
/** A stream as a decision read it: recorded in `decision.inputs`. */
export type StreamRead = CommendationDecision['inputs'][number];

import type { Decider } from '@vanguard/kernel';
import { massEvaluationDecider } from '../mass-evaluation/mass-evaluation.decide';
import { massTallyDecider } from '../mass-tally/mass-tally.decide';

/**
 * Where an assessment may read a satisfaction rate (满意度), by the input stream it recorded:
 * an online mass-evaluation window, or a county's paper count (`mass-tally-…`). Both states
 * carry `satisfactionPermille`. The service that decides and the audit service that replays
 * pick the source here, so a new kind of input cannot be known to one and not the other.
 */
/** Folded only (never asked to decide): the state is all a reader needs. */
export type SatisfactionDecider = Decider<never, { readonly satisfactionPermille: number | null }, never>;

const SOURCES: readonly (readonly [prefix: string, decider: SatisfactionDecider])[] = [
  ['mass-evaluation-', massEvaluationDecider as never],
  ['mass-tally-', massTallyDecider as never],
];

/** The decider whose state gives the satisfaction rate of `streamId`, or undefined when it is no such input. */
export function satisfactionSource(streamId: string): SatisfactionDecider | undefined {
  return SOURCES.find(([prefix]) => streamId.startsWith(prefix))?.[1];
}

export const isSatisfactionInput = (streamId: string): boolean => satisfactionSource(streamId) !== undefined;

import type { Decision } from '@vanguard/contracts';
import { DomainError, fold, type Decider, type DomainEvent, type RuleVersionChoice } from '@vanguard/kernel';
import type { OrgPath } from '../org-path';

/** What a replayer rebuilds a command from: the recorded event and what its decision recorded. */
export interface ReplayContext {
  readonly decision: Decision;
  /** The path the decision recorded, or the auditor's for a decision recorded before paths were. */
  readonly path: OrgPath;
  /** The recorded `rule` and `checks`, by rule id. */
  readonly ruleVersions: RuleVersionChoice;
  /** An assessment's satisfaction rate, read back from the recorded mass-evaluation input. */
  readonly satisfactionPermille: number | null | undefined;
  /** Other streams' events as the decision read them, by stream id: those the replayer's `reads` names (ADR 0067). */
  readonly streamsRead: StreamsRead;
}

/** A stream the decision read besides its own, and the version it recorded reading. */
export interface StreamRead {
  readonly streamId: string;
  readonly version: number;
}

/** Events of other streams by stream id, each up to (at least) the version the decision recorded reading. */
export type StreamsRead = Readonly<Record<string, readonly DomainEvent[]>>;

/**
 * How one decision event type is replayed: the decider of its stream, whether its first
 * input is its own stream (folded to that version; otherwise it opened its stream), whether it
 * checked an organisation path, the rule versions a decision recorded before `checks` existed
 * ran (the earliest: every later version allows no more than it), and the command it answered.
 */
export interface DecisionReplayer {
  readonly decider: Decider<never, unknown, DomainEvent>;
  readonly readsOwnStream: boolean;
  readonly checksPath: boolean;
  readonly legacyChecks?: RuleVersionChoice;
  /** The other streams whose events the command is rebuilt from; whoever replays reads them at these versions. */
  reads?(decision: Decision): readonly StreamRead[];
  command(data: never, ctx: ReplayContext): unknown;
}

export const replayer = <C, S, E extends DomainEvent, D>(r: {
  decider: Decider<C, S, E>;
  readsOwnStream: boolean;
  checksPath: boolean;
  legacyChecks?: RuleVersionChoice;
  reads?(decision: Decision): readonly StreamRead[];
  command(data: D, ctx: ReplayContext): C;
}): DecisionReplayer => r;

export type Data<E, T> = Extract<E, { type: T }> extends { data: infer D } ? D : never;
export type Ev = DomainEvent<string, { decision: Decision }>;

export class MissingReplayFactError extends DomainError {
  constructor(fact: string) {
    super(
      'DECISION.REPLAY_FACT_MISSING',
      'invalid',
      `该决定读取了其他流的 ${fact}，重放时须提供 / the decision read ${fact} elsewhere; pass it to the replay`,
    );
  }
}

/**
 * Another stream as the decision read it: its events up to the recorded version, folded by its own
 * decider. A stream not passed, or holding fewer events than the version read, is a missing fact:
 * the replay cannot say what the decision saw.
 */
export function foldRead<S, E>(
  ctx: ReplayContext,
  read: StreamRead,
  decider: Pick<Decider<never, S, E>, 'initialState' | 'evolve'>,
): { state: S; events: readonly E[] } {
  const events = ctx.streamsRead[read.streamId];
  if (!events || events.length < read.version) throw new MissingReplayFactError(`${read.streamId}@${read.version}`);
  // The store's events are the context's: their types are the decider's by the stream's kind.
  const upTo = events.slice(0, read.version) as unknown as readonly E[];
  return { state: fold(decider, upTo), events: upTo };
}

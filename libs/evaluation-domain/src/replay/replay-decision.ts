import type { Decision } from '@vanguard/contracts';
import { DomainError, fold, RuleVersionUnknownError, type DomainEvent, type RuleVersionChoice } from '@vanguard/kernel';
import { isPathInput, pathAtVersionZero, pathFromInputs } from '../org-path';
import { DECISION_REPLAYERS } from './decision-replayers';
import type { StreamRead, StreamsRead } from './replayer';

/** What a decision did not record in full, supplied by whoever replays it. */
export interface ReplayFacts {
  /**
   * For a decision recorded before decisions recorded their organisation path (no
   * `organization-…` inputs): the path it was checked against, ids from the root. Where it comes
   * from (the tree as of the decision's time, a register) is the auditor's to say.
   */
  readonly legacyOrgPath?: readonly string[];
  /** For an assessment that read a mass evaluation: that window's satisfaction rate at the recorded version. */
  readonly satisfactionPermille?: number | null;
  /**
   * For a decision that read other streams of the context (a round's opening reads its zone and
   * campaign, a round's findings the round): their events, by stream id, up to the versions
   * `streamsToRead` names — the replayer folds them with the context's own deciders (ADR 0067).
   */
  readonly streamsRead?: StreamsRead;
}

export interface DecisionReplay {
  readonly type: string;
  /** The versions the replay ran, by rule id: the ones recorded, never the ones in force. */
  readonly ruleVersions: RuleVersionChoice;
  readonly recorded: readonly DomainEvent[];
  readonly replayed: readonly DomainEvent[];
  /** Set when the decider refused the recorded command: the refusal's code. */
  readonly refusal: string | null;
  readonly matches: boolean;
}

export class NotADecisionError extends DomainError {
  constructor(type: string) {
    super('DECISION.NOT_REPLAYABLE', 'invalid', `${type} 不是可重放的决定 / ${type} is not a decision this code replays`);
  }
}

export class PathNotRecordedError extends DomainError {
  constructor(type: string) {
    super(
      'DECISION.PATH_NOT_RECORDED',
      'invalid',
      `该决定未记录组织路径，须提供 / ${type} was recorded before decisions recorded their organisation path; pass legacyOrgPath`,
    );
  }
}

/**
 * The other streams a recorded decision's replay folds, each at the version the decision recorded
 * reading: what an auditor reads from the store before calling `replayDecision`. Empty for a
 * decision rebuilt from its own stream and record alone.
 */
export function streamsToRead(event: DomainEvent): readonly StreamRead[] {
  const decision = decisionOf(event);
  const replayer = DECISION_REPLAYERS[event.type];
  return decision && replayer?.reads ? replayer.reads(decision) : [];
}

const decisionOf = (event: DomainEvent): Decision | undefined => (event.data as { decision?: Decision } | null)?.decision;

/**
 * Replays the decision `stream[at]` as an auditor does (issue 10, ADR 0021, ADR 0032): fold its
 * own stream up to the version the decision recorded reading, rebuild the command from what the
 * decision recorded — who, the reason, the organisation path read, the other inputs — and run
 * the decider with the rule versions it recorded, never the ones in force. The outcome matches
 * when the decider gives back the recorded events.
 *
 * A decision recorded before decisions recorded their path and `checks` is compared on what it
 * did record: the replayed path inputs and checks are left out of the comparison.
 */
export function replayDecision(stream: readonly DomainEvent[], at: number, facts: ReplayFacts = {}): DecisionReplay {
  const event = stream[at];
  const decision = event && decisionOf(event);
  const replayer = event && DECISION_REPLAYERS[event.type];
  if (!event || !decision || !replayer) throw new NotADecisionError(event?.type ?? `#${at}`);

  const recordedPath = pathFromInputs(decision.inputs);
  const legacyPath = recordedPath.length === 0;
  if (replayer.checksPath && legacyPath && !facts.legacyOrgPath) throw new PathNotRecordedError(event.type);
  const path = legacyPath ? pathAtVersionZero(facts.legacyOrgPath ?? []) : recordedPath;

  const recordedChecks = decision.checks ?? [];
  const ruleVersions: RuleVersionChoice = {
    ...(decision.checks ? {} : (replayer.legacyChecks ?? {})),
    ...Object.fromEntries(recordedChecks.map((r) => [r.id, r.version])),
    [decision.rule.id]: decision.rule.version,
  };

  const readUpTo = replayer.readsOwnStream ? decision.inputs[0]!.version : at;
  const state = fold(replayer.decider, stream.slice(0, readUpTo) as never[]);
  const command = replayer.command(event.data as never, {
    decision,
    path,
    ruleVersions,
    satisfactionPermille: facts.satisfactionPermille,
    streamsRead: facts.streamsRead ?? {},
  });

  let replayed: DomainEvent[];
  try {
    replayed = replayer.decider.decide(command as never, state);
  } catch (e) {
    if (!(e instanceof DomainError) || e instanceof RuleVersionUnknownError) throw e;
    return { type: event.type, ruleVersions, recorded: [event], replayed: [], refusal: e.code, matches: false };
  }
  const recorded = stream.slice(at, at + replayed.length);
  const comparable = replayed.map((e, i) => (i === 0 ? asRecorded(e, { paths: !legacyPath, checks: decision.checks !== undefined }) : e));
  ranTheRecordedRules(comparable[0], decision);
  return {
    type: event.type,
    ruleVersions,
    recorded,
    replayed: comparable,
    refusal: null,
    matches: JSON.stringify(canonical(comparable)) === JSON.stringify(canonical(recorded)),
  };
}

/** The replayed decision as an older decision would have recorded it: without what it did not record then. */
function asRecorded(event: DomainEvent, kept: { paths: boolean; checks: boolean }): DomainEvent {
  const decision = decisionOf(event);
  if (!decision) return event;
  const { checks, ...rest } = decision;
  const inputs = kept.paths ? decision.inputs : decision.inputs.filter((i) => !isPathInput(i));
  const narrowed: Decision = { ...rest, inputs, ...(kept.checks && checks ? { checks } : {}) };
  return { ...event, data: { ...(event.data as object), decision: narrowed } };
}

/**
 * A decider that ran another version than the one recorded has no code for the recorded one
 * (a rule changed without keeping its old version): that is a defect, not a mismatch.
 */
function ranTheRecordedRules(replayed: DomainEvent | undefined, recorded: Decision): void {
  const ran = replayed && decisionOf(replayed);
  if (!ran) return;
  if (ran.rule.id === recorded.rule.id && ran.rule.version !== recorded.rule.version) {
    throw new RuleVersionUnknownError(recorded.rule.id, recorded.rule.version);
  }
  for (const check of recorded.checks ?? []) {
    const other = ran.checks?.find((c) => c.id === check.id);
    if (other && other.version !== check.version) throw new RuleVersionUnknownError(check.id, check.version);
  }
}

/** JSON with sorted keys, so key order (which the hash chain ignores too) does not decide a match. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

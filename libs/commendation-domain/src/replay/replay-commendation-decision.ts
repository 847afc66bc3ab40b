import type { CommendationDecision } from '@vanguard/contracts';
import { DomainError, fold, RuleVersionUnknownError, type DomainEvent, type RuleRef } from '@vanguard/kernel';
import type { StreamRead } from '../decided-by';
import type { EligibilityFacts } from '../eligibility/eligibility.facts';
import type { OrgOnPath } from '../nomination/nomination.commands';
import { COMMENDATION_DECISION_REPLAYERS } from './commendation-replayers';

/**
 * What a replay reads besides the decision's own stream. `read` gives a commendation stream's
 * events up to a version (the auditor's store, a fixture); the rest is what a decision did not
 * record in full and the auditor supplies, or the replay assumes and says so.
 */
export interface CommendationReplayFacts {
  /** The events of `streamId` up to `version` (fewer when the stream holds fewer). */
  readonly read?: (input: StreamRead) => readonly DomainEvent[];
  /** A submission's or amendment's eligibility facts, folded from the recorded evaluation inputs. */
  readonly eligibility?: EligibilityFacts;
  /** The nominator's path with levels (the service's tree copy, which decisions do not record). */
  readonly nominatorOrgPath?: readonly OrgOnPath[];
  /** The path to the awarding body an assignment checked the investigator against. */
  readonly awardingOrgPath?: readonly string[];
  /** The path to a unit an allocation checked. */
  readonly unitOrgPath?: readonly string[];
  /** The programme's open objections when the commendation was decided (not recorded: none, if not given). */
  readonly openObjections?: readonly StreamRead[];
}

export interface CommendationReplay {
  readonly type: string;
  /** The rule and checks the decision recorded, which the replay ran. */
  readonly ruleVersions: readonly RuleRef[];
  /** The recorded events of the decision (with those the same command gave before it). */
  readonly recorded: readonly DomainEvent[];
  readonly replayed: readonly DomainEvent[];
  /** Set when the decider refused the command rebuilt from the record: the refusal's code. */
  readonly refusal: string | null;
  readonly matches: boolean;
  /** What the replay took as given because the decision did not record it. */
  readonly assumed: readonly string[];
}

export class CommendationReplayFactMissingError extends DomainError {
  constructor(fact: string) {
    super(
      'DECISION.REPLAY_FACT_MISSING',
      'invalid',
      `重放该决定须提供 ${fact} / replaying this decision needs ${fact}, which the decision read elsewhere`,
    );
  }
}

export class CommendationNotReplayableError extends DomainError {
  constructor(type: string) {
    super('DECISION.NOT_REPLAYABLE', 'invalid', `${type} 不是可重放的决定 / ${type} is not a decision this code replays`);
  }
}

/** A decider that ran another version than the one recorded has no code for it: a defect, not a mismatch. */
export class CommendationRuleVersionUnknownError extends DomainError {
  constructor(rule: RuleRef) {
    super(
      'DECISION.RULE_VERSION_UNKNOWN',
      'invalid',
      `规则 ${rule.id} 无第 ${rule.version} 版 / no code for ${rule.id} version ${rule.version}`,
    );
  }
}

export const decisionOf = (event: DomainEvent | undefined): CommendationDecision | undefined =>
  (event?.data as { decision?: CommendationDecision } | null)?.decision;

/** The commendation streams (other than its own) a replay of `stream[at]` folds: read them, then pass `read`. */
export function commendationStreamsRead(stream: readonly DomainEvent[], at: number): StreamRead[] {
  const event = stream[at];
  const replayer = event && COMMENDATION_DECISION_REPLAYERS[event.type];
  if (!event || !replayer || !decisionOf(event)) return [];
  return replayer.reads(event.data as never, stream, at);
}

/**
 * Replays the commendation decision `stream[at]` as an auditor does (issue 12, ADR 0036): fold
 * its own stream up to the version the decision recorded reading, rebuild the command from the
 * record — who, the reason, the streams read at their versions (folded again with their own
 * deciders), the recorded days — and run the decider the service decides with. The outcome
 * matches when the decider gives back the recorded events, the ones the same command recorded
 * before the decision included (a submission's eligibility check).
 */
export function replayCommendationDecision(
  stream: readonly DomainEvent[],
  at: number,
  facts: CommendationReplayFacts = {},
): CommendationReplay {
  const event = stream[at];
  const decision = decisionOf(event);
  const replayer = event && COMMENDATION_DECISION_REPLAYERS[event.type];
  if (!event || !decision || !replayer) throw new CommendationNotReplayableError(event?.type ?? `#${at}`);
  const ruleVersions = [decision.rule, ...(decision.checks ?? [])].map(({ id, version }) => ({ id, version }));
  const start = at - replayer.before;
  const own = decision.inputs.find((i) => i.streamId === replayer.ownStreamId(event.data as never));
  const readUpTo = own ? own.version : start;
  const state = fold(replayer.decider, stream.slice(0, readUpTo) as never[]);
  const assumed: string[] = [];
  const read = (input: StreamRead): readonly DomainEvent[] => {
    const events = facts.read?.(input);
    if (!events) throw new CommendationReplayFactMissingError(`${input.streamId}@${input.version}`);
    return events;
  };
  const command = replayer.command(event.data as never, {
    decision,
    state: state as never,
    stream,
    at,
    facts,
    read,
    assume: (a) => assumed.push(a),
  });

  let replayed: DomainEvent[];
  try {
    replayed = replayer.decider.decide(command as never, state);
  } catch (e) {
    // A version this code lacks is a defect of the code, not a refusal of the decision: said as such.
    if (!(e instanceof DomainError) || e instanceof CommendationReplayFactMissingError || e instanceof RuleVersionUnknownError) throw e;
    return { type: event.type, ruleVersions, recorded: [event], replayed: [], refusal: e.code, matches: false, assumed };
  }
  ranTheRecordedRules(decisionOf(replayed.find((e) => e.type === event.type)), decision);
  const recorded = stream.slice(start, start + Math.max(replayed.length, replayer.before + 1));
  replayed = replayed.map((e, i) => asRecordedThen(e, recorded[i]));
  return {
    type: event.type,
    ruleVersions,
    recorded,
    replayed,
    refusal: null,
    matches: JSON.stringify(canonical(replayed)) === JSON.stringify(canonical(recorded)),
    assumed,
  };
}

/** Fields a decision record gained later (ADR 0080): the replay gives them, a decision recorded before them has none. */
const ADDED_TO_THE_RECORD = ['orgPaths', 'objections'] as const;

/**
 * The replayed event without the record's later fields its recorded counterpart lacks, so a
 * decision recorded before them is compared on what it recorded (its `assumed` says what was
 * taken instead). Deleting the fields from a newer record makes it read as older: the hash chain,
 * not the replay, names that.
 */
function asRecordedThen(replayed: DomainEvent, recorded: DomainEvent | undefined): DomainEvent {
  const ran = decisionOf(replayed);
  const was = decisionOf(recorded);
  if (!ran || !was || recorded!.type !== replayed.type) return replayed;
  const decision: Record<string, unknown> = { ...ran };
  for (const field of ADDED_TO_THE_RECORD) if (!(field in was)) delete decision[field];
  return { ...replayed, data: { ...(replayed.data as object), decision } };
}

function ranTheRecordedRules(ran: CommendationDecision | undefined, recorded: CommendationDecision): void {
  if (!ran) return;
  for (const rule of [recorded.rule, ...(recorded.checks ?? [])]) {
    const same = [ran.rule, ...(ran.checks ?? [])].find((r) => r.id === rule.id);
    if (same && same.version !== rule.version) throw new CommendationRuleVersionUnknownError(rule);
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

import type { CommendationDecision, ContractData, NominationSubmitted } from '@vanguard/contracts';
import { fold, type Decider, type DomainEvent, type RuleVersionChoice } from '@vanguard/kernel';
import type { RecordedOrgPath, StreamRead } from '../decided-by';
import type { OrgOnPath } from '../nomination/nomination.commands';
import { nominationDecider } from '../nomination/nomination.decide';
import type { NominationState } from '../nomination/nomination.state';
import { noticeDecider } from '../notice/notice.decide';
import type { NoticeState } from '../notice/notice.state';
import { objectionDecider } from '../objection/objection.decide';
import type { ObjectionState } from '../objection/objection.state';
import { placesDecider } from '../places/places.decide';
import type { PlacesState } from '../places/places.state';
import { programmeDecider } from '../programme/programme.decide';
import type { ProgrammeState } from '../programme/programme.state';
import type { CommendationReplayFacts } from './replay-commendation-decision';

/** What a replayer rebuilds a command from: the recorded decision, its own stream folded, the other streams it read. */
export interface CommendationReplayContext<S = unknown> {
  readonly decision: CommendationDecision;
  /** The decision's own stream folded up to the version it recorded reading. */
  readonly state: S;
  readonly stream: readonly DomainEvent[];
  readonly at: number;
  readonly facts: CommendationReplayFacts;
  /** The events of a stream the decision read, up to the version it read. */
  read(input: StreamRead): readonly DomainEvent[];
  /** Notes what the replay takes as given because the decision did not record it. */
  assume(what: string): void;
}

const folder =
  <S>(decider: Decider<never, S, never>) =>
  (ctx: Pick<CommendationReplayContext, 'read'>, input: StreamRead): S =>
    fold(decider, ctx.read(input) as never[]);

export const programmeAt = folder<ProgrammeState>(programmeDecider as never);
export const nominationAt = folder<NominationState>(nominationDecider as never);
export const noticeAt = folder<NoticeState>(noticeDecider as never);
export const objectionAt = folder<ObjectionState>(objectionDecider as never);
export const placesAt = folder<PlacesState>(placesDecider as never);

/** The first recorded input of a stream kind (`award-programme-`, `places-`, …). */
export const inputOf = (decision: CommendationDecision, prefix: string): StreamRead | undefined =>
  decision.inputs.find((i) => i.streamId.startsWith(prefix));

/** The recorded input of `prefix`, or the replay cannot run. */
export function requiredInput(decision: CommendationDecision, prefix: string): StreamRead {
  const input = inputOf(decision, prefix);
  if (!input) throw new RangeError(`the decision recorded no ${prefix}… input`);
  return input;
}

/** The organisation path the decision recorded (`organization-<id>` inputs, root first), if it did. */
export const recordedOrgPath = (decision: CommendationDecision): string[] =>
  decision.inputs.filter((i) => i.streamId.startsWith('organization-')).map((i) => i.streamId.slice('organization-'.length));

/**
 * The path `of` the decision recorded in `orgPaths` (ADR 0080): [] when it recorded the field
 * but no such path, undefined on a decision recorded before the field.
 */
export const recordedPathOf = (decision: CommendationDecision, of: RecordedOrgPath['of']): RecordedOrgPath['orgs'] | undefined =>
  decision.orgPaths ? (decision.orgPaths.find((p) => p.of === of)?.orgs ?? []) : undefined;

/** A recorded path with its levels; an organisation recorded without one is named assumed (a village: no review is held there). */
export function levelledPath(ctx: Pick<CommendationReplayContext, 'assume'>, orgs: RecordedOrgPath['orgs'], what: string): OrgOnPath[] {
  return orgs.map((o) => {
    if (!o.level) ctx.assume(`${what}: no level recorded for ${o.orgId}; a village taken`);
    return { orgId: o.orgId, level: o.level ?? 'village' };
  });
}

/** `organization-<id>` inputs back to the versions a command passes, so they are recorded again. */
export const recordedOrgVersions = (decision: CommendationDecision): Readonly<Record<string, number>> | undefined => {
  const org = decision.inputs.filter((i) => i.streamId.startsWith('organization-'));
  return org.length > 0 ? Object.fromEntries(org.map((i) => [i.streamId.slice('organization-'.length), i.version])) : undefined;
};

/** The versions of the rules the decision recorded running, so a replay runs those and not today's. */
export const recordedRuleVersions = (decision: CommendationDecision): RuleVersionChoice =>
  Object.fromEntries([decision.rule, ...(decision.checks ?? [])].map((r) => [r.id, r.version]));

type Submitted = ContractData<typeof NominationSubmitted>;

/**
 * The nominator's path as far as the submission's rules look at it, rebuilt from what it
 * recorded: the awarding body, the unit below it, each reviewing level of the chain (with its
 * level), the nominator. Organisations off the chain get a level no review is held at. Decisions
 * record no levels (they are the tree copy's, which audit does not read): a replay on this path
 * checks the rest of the decision, not that the chain fits the tree.
 */
export function nominatorPathFromRecord(data: Pick<Submitted, 'chain' | 'quota' | 'nominatorOrgId'>): OrgOnPath[] {
  const path: OrgOnPath[] = [];
  const add = (orgId: string, level: OrgOnPath['level']) => {
    if (!path.some((o) => o.orgId === orgId)) path.push({ orgId, level });
  };
  const topDown = [...data.chain].reverse();
  const [awarding, ...below] = topDown;
  if (awarding) add(awarding.orgId, awarding.level);
  add(data.quota.unitOrgId, topDown.find((s) => s.orgId === data.quota.unitOrgId)?.level ?? 'village');
  for (const step of below) add(step.orgId, step.level);
  add(data.nominatorOrgId, 'village');
  return path;
}

import {
  MAX_RECORDED_OBJECTIONS,
  type CommendationDecided,
  type ContractData,
  type EligibilityChecked,
  type NominationEndorsed,
  type NominationSubmitted,
} from '@vanguard/contracts';
import type { StreamRead } from '../decided-by';
import type {
  AmendNomination,
  DecideCommendation,
  EndorseNomination,
  RejectNomination,
  RevokeCommendation,
  ReturnNomination,
  SubmitNomination,
  WithdrawNomination,
} from '../nomination/nomination.commands';
import { nominationDecider } from '../nomination/nomination.decide';
import { nominationStreamId, type NominationState } from '../nomination/nomination.state';
import { noticeFactsFor } from '../notice/notice.facts';
import { objectionBlocks, objectionOutcome } from '../objection/objection.facts';
import { placesHeld } from '../places/places.state';
import { placesOf, programmeFacts } from '../programme/programme.facts';
import { CommendationReplayFactMissingError } from './replay-commendation-decision';
import {
  inputOf,
  levelledPath,
  nominatorPathFromRecord,
  noticeAt,
  objectionAt,
  placesAt,
  programmeAt,
  recordedOrgPath,
  recordedOrgVersions,
  recordedPathOf,
  recordedRuleVersions,
  requiredInput,
  type CommendationReplayContext,
} from './replay-reads';

type Ctx = CommendationReplayContext<NominationState>;
type Submitted = ContractData<typeof NominationSubmitted>;
type Endorsed = ContractData<typeof NominationEndorsed>;
type Checked = ContractData<typeof EligibilityChecked>;
type Decided = ContractData<typeof CommendationDecided>;
type WithDecision = { nominationId: string };

const COMMENDATION_STREAMS = ['award-programme-', 'places-', 'nomination-', 'public-notice-', 'objection-'];
/** The commendation streams among a decision's inputs besides its own (evaluation and organisation streams are not folded here). */
const otherCommendationInputs = (inputs: readonly StreamRead[], own: string) =>
  inputs.filter((i) => i.streamId !== own && COMMENDATION_STREAMS.some((p) => i.streamId.startsWith(p)));

const eligibilityOf = (ctx: Ctx) => {
  if (!ctx.facts.eligibility) throw new CommendationReplayFactMissingError('eligibility');
  return ctx.facts.eligibility;
};
/** The day a decision checked, recorded since the field was added; older decisions name it missing. */
export const dayOf = (day: string | undefined, field: string) => {
  if (!day) throw new CommendationReplayFactMissingError(field);
  return day;
};
/** The used places a decision counted: on the places stream it recorded reading, else what it recorded (assumed). */
function usedPlaces(ctx: Ctx, places: StreamRead | undefined, level: Parameters<typeof placesHeld>[2], recorded: Submitted['quota']) {
  const { category, nominationId } = ctx.state.category ? ctx.state : (ctx.stream[ctx.at]!.data as Submitted);
  if (places) return placesHeld(placesAt(ctx, places), category!, level, nominationId!);
  ctx.assume('quota.usedBefore: the decision recorded no places stream; the count it recorded is taken');
  return recorded.usedBefore;
}

const nomination = <D extends WithDecision, C>(r: {
  before?: number;
  reads?: (data: D, ctx: Pick<Ctx, 'stream' | 'at'>) => StreamRead[];
  command: (data: D, ctx: Ctx) => C;
}) => ({
  decider: nominationDecider,
  before: r.before ?? 0,
  ownStreamId: (d: D) => nominationStreamId(d.nominationId),
  reads: (d: D & { decision: { inputs: StreamRead[] } }, stream: Ctx['stream'], at: number) => [
    ...otherCommendationInputs(d.decision.inputs, nominationStreamId(d.nominationId)),
    ...(r.reads?.(d, { stream, at }) ?? []),
  ],
  command: r.command,
});

/** The programme an amendment read, recorded by the eligibility check it gave first. */
const checkBefore = (ctx: Pick<Ctx, 'stream' | 'at'>) => ctx.stream[ctx.at - 1]?.data as Checked | undefined;

export const NOMINATION_REPLAYERS = {
  'commendation.NominationSubmitted': nomination({
    before: 1, // its eligibility check, given by the same command
    command: (data: Submitted, ctx): SubmitNomination => {
      const { decision } = ctx;
      const programme = requiredInput(decision, 'award-programme-');
      const programmeState = programmeAt(ctx, programme);
      const places = inputOf(decision, 'places-');
      const already = decision.inputs.find((i) => i.streamId.startsWith('nomination-')) ?? null;
      // Recorded paths first (ADR 0080); before them, what the auditor supplies or the record implies.
      const nominator = recordedPathOf(decision, 'nominator');
      let path = nominator ? levelledPath(ctx, nominator, 'nominatorOrgPath') : ctx.facts.nominatorOrgPath;
      if (!path) {
        path = nominatorPathFromRecord(data);
        ctx.assume('nominatorOrgPath: rebuilt from the recorded chain, unit and nominator (decisions record no organisation levels)');
      }
      const nominee = recordedPathOf(decision, 'nominee')?.map((o) => o.orgId);
      const ids = nominee ?? recordedOrgPath(decision);
      const nominatorIds = path.map((o) => o.orgId);
      return {
        type: 'SubmitNomination',
        data: {
          nominationId: data.nominationId,
          category: data.category,
          nominee: data.nominee,
          deeds: data.deeds,
          nominatorOrgPath: path,
          nomineeOrgPath:
            ids.length > 0 ? ids : [...nominatorIds, ...(nominatorIds.includes(data.nominee.orgId) ? [] : [data.nominee.orgId])],
          programme: programmeFacts(programmeState),
          quota: {
            places: placesOf(programmeState, data.quota.unitOrgId, data.category),
            used: usedPlaces(ctx, places, 'nominator', data.quota),
            ...(places ? { stream: places } : {}),
          },
          alreadyNominated: already,
          eligibility: eligibilityOf(ctx),
          today: dayOf(data.submittedOn, 'submittedOn'),
          decidedBy: decision.decidedBy,
          reason: decision.reason,
          ...(recordedOrgVersions(decision) ? { orgVersions: recordedOrgVersions(decision)! } : {}),
          ruleVersions: recordedRuleVersions(decision),
        },
      };
    },
  }),
  'commendation.NominationEndorsed': nomination({
    command: (data: Endorsed, ctx): EndorseNomination => {
      const programme = requiredInput(ctx.decision, 'award-programme-');
      const places = inputOf(ctx.decision, 'places-');
      return {
        type: 'EndorseNomination',
        data: {
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
          today: dayOf(data.endorsedOn, 'endorsedOn'),
          programme,
          quota: {
            places: placesOf(programmeAt(ctx, programme), ctx.state.unitOrgId ?? data.quota.unitOrgId, ctx.state.category!),
            used: usedPlaces(ctx, places, data.step.level, data.quota),
            ...(places ? { stream: places } : {}),
          },
        },
      };
    },
  }),
  'commendation.NominationReturned': nomination({
    command: (_: WithDecision, { decision }): ReturnNomination => ({
      type: 'ReturnNomination',
      data: { decidedBy: decision.decidedBy, reason: decision.reason, ruleVersions: recordedRuleVersions(decision) },
    }),
  }),
  'commendation.NominationRejected': nomination({
    command: (_: WithDecision, { decision }): RejectNomination => ({
      type: 'RejectNomination',
      data: { decidedBy: decision.decidedBy, reason: decision.reason, ruleVersions: recordedRuleVersions(decision) },
    }),
  }),
  'commendation.NominationAmended': nomination({
    before: 1, // its eligibility check, given by the same command
    reads: (_: { nominationId: string; deeds: Submitted['deeds'] }, ctx) => {
      const programme = checkBefore(ctx)?.decision.inputs.find((i) => i.streamId.startsWith('award-programme-'));
      return programme ? [programme] : [];
    },
    command: (data: { nominationId: string; deeds: Submitted['deeds'] }, ctx): AmendNomination => {
      const programme = checkBefore(ctx)?.decision.inputs.find((i) => i.streamId.startsWith('award-programme-'));
      if (!programme) throw new CommendationReplayFactMissingError('the programme read by the amendment’s eligibility check');
      return {
        type: 'AmendNomination',
        data: {
          decidedBy: ctx.decision.decidedBy,
          deeds: data.deeds,
          programme: programmeFacts(programmeAt(ctx, programme)),
          eligibility: eligibilityOf(ctx),
          reason: ctx.decision.reason,
          ruleVersions: recordedRuleVersions(ctx.decision),
        },
      };
    },
  }),
  'commendation.NominationWithdrawn': nomination({
    command: (_: WithDecision, ctx): WithdrawNomination => ({
      type: 'WithdrawNomination',
      data: { decidedBy: ctx.decision.decidedBy, objection: objectionOutcome(objectionAt(ctx, requiredInput(ctx.decision, 'objection-'))) },
    }),
  }),
  'commendation.CommendationDecided': nomination({
    // The objections it found (ADR 0080), each folded at the version it read. None recorded: the
    // decision is from before the field, or it found more than the record holds.
    reads: (d: Decided) => d.decision.objections ?? [],
    command: (data: Decided, ctx): DecideCommendation => {
      const found = ctx.decision.objections;
      const blocking = found?.filter((o) => objectionBlocks(objectionAt(ctx, o), data.nominationId));
      let openObjections = blocking ?? ctx.facts.openObjections;
      if (!openObjections) {
        openObjections = [];
        ctx.assume(
          `openObjections: none (the decision recorded no objections it found: recorded before it did, or it found more than ${MAX_RECORDED_OBJECTIONS})`,
        );
      }
      return {
        type: 'DecideCommendation',
        data: {
          decidedBy: ctx.decision.decidedBy,
          documentNumber: data.documentNumber,
          today: data.decidedOn,
          notice: noticeFactsFor(noticeAt(ctx, requiredInput(ctx.decision, 'public-notice-')), data.programmeId, data.nominationId),
          openObjections,
          ...(found ? { closedObjections: found.filter((o) => !blocking!.includes(o)) } : {}),
          reason: ctx.decision.reason,
          ruleVersions: recordedRuleVersions(ctx.decision),
        },
      };
    },
  }),
  'commendation.CommendationRevoked': nomination({
    command: (data: { nominationId: string; revokedOn: string }, { decision }): RevokeCommendation => ({
      type: 'RevokeCommendation',
      data: { decidedBy: decision.decidedBy, reason: decision.reason, today: data.revokedOn, ruleVersions: recordedRuleVersions(decision) },
    }),
  }),
};

import type {
  AwardProgrammeLaunched,
  ContractData,
  ObjectionAssigned,
  PlaceGranted,
  PlacesReleased,
  PublicNoticePublished,
  QuotaAllocated,
} from '@vanguard/contracts';
import type { Decider, DomainEvent } from '@vanguard/kernel';
import type { RecordedOrgPath, StreamRead } from '../decided-by';
import type { NominationEvent } from '../nomination/nomination.events';
import type { PublishNotice } from '../notice/notice.commands';
import { noticeDecider } from '../notice/notice.decide';
import { noticeStreamId } from '../notice/notice.state';
import type { AssignObjection, DismissObjection, UpholdObjection } from '../objection/objection.commands';
import { objectionDecider } from '../objection/objection.decide';
import { objectionStreamId } from '../objection/objection.state';
import type { GrantPlace, ReleasePlaces } from '../places/places.commands';
import { placesDecider } from '../places/places.decide';
import { placesStreamId } from '../places/places.state';
import type { AllocateQuota, LaunchAwardProgramme } from '../programme/programme.commands';
import { programmeDecider } from '../programme/programme.decide';
import { placesOf, programmeFacts, programmeStreamId } from '../programme/programme.facts';
import { dayOf, NOMINATION_REPLAYERS } from './nomination-replayers';
import {
  nominationAt,
  programmeAt,
  recordedOrgPath,
  recordedOrgVersions,
  recordedPathOf,
  recordedRuleVersions,
  requiredInput,
  type CommendationReplayContext,
} from './replay-reads';

/**
 * How one decision event type is replayed: the decider of its stream; how many events the same
 * command gave before it (a submission's eligibility check); its own stream's id; the other
 * commendation streams it reads (the caller reads them at those versions); and the command it
 * answered, rebuilt from the record.
 */
export interface CommendationDecisionReplayer {
  readonly decider: Decider<never, unknown, DomainEvent>;
  readonly before: number;
  ownStreamId(data: never): string;
  reads(data: never, stream: readonly DomainEvent[], at: number): StreamRead[];
  command(data: never, ctx: CommendationReplayContext<never>): unknown;
}

type Launched = ContractData<typeof AwardProgrammeLaunched>;
type Allocated = ContractData<typeof QuotaAllocated>;
type Published = ContractData<typeof PublicNoticePublished>;
type Assigned = ContractData<typeof ObjectionAssigned>;
type Concluded = { objectionId: string; findings: string };
type Granted = ContractData<typeof PlaceGranted>;
type Released = ContractData<typeof PlacesReleased>;

/** The recorded inputs other than the own stream, for folding. */
const others = (inputs: readonly StreamRead[], own: string, prefixes: readonly string[]) =>
  inputs.filter((i) => i.streamId !== own && prefixes.some((p) => i.streamId.startsWith(p)));

/** The awarding body's path an allocation or assignment checked: recorded, supplied, or the two ends (assumed). */
function pathChecked(
  ctx: CommendationReplayContext<never>,
  of: RecordedOrgPath['of'],
  supplied: readonly string[] | undefined,
  ends: string[],
  what: string,
): string[] {
  const path = recordedPathOf(ctx.decision, of);
  if (path) return path.map((o) => o.orgId);
  const recorded = recordedOrgPath(ctx.decision);
  if (recorded.length > 0) return recorded;
  if (supplied) return [...supplied];
  ctx.assume(`${what}: the decision recorded no organisation path; the ends it names are taken`);
  return [...new Set(ends)];
}

const PROGRAMME_REPLAYERS = {
  'commendation.AwardProgrammeLaunched': {
    decider: programmeDecider,
    before: 0,
    ownStreamId: (d: Launched) => programmeStreamId(d.programmeId),
    reads: () => [],
    command: (data: Launched, ctx: CommendationReplayContext): LaunchAwardProgramme => {
      const { decision: _d, ...launched } = data;
      const level = recordedPathOf(ctx.decision, 'awarding-body')?.at(-1)?.level;
      if (!level)
        ctx.assume('awardingOrgLevel: the programme’s own level (the decision records the awarding body’s version, not its level)');
      const orgVersions = recordedOrgVersions(ctx.decision);
      return {
        type: 'LaunchAwardProgramme',
        data: {
          ...launched,
          awardingOrgLevel: level ?? data.level,
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
          ...(orgVersions ? { orgVersions } : {}),
        },
      };
    },
  },
  'commendation.QuotaAllocated': {
    decider: programmeDecider,
    before: 0,
    ownStreamId: (d: Allocated) => programmeStreamId(d.programmeId),
    reads: () => [],
    command: (data: Allocated, ctx: CommendationReplayContext<{ orgId: string | null }>): AllocateQuota => {
      const orgVersions = recordedOrgVersions(ctx.decision);
      return {
        type: 'AllocateQuota',
        data: {
          unitOrgId: data.unitOrgId,
          unitOrgPath: pathChecked(ctx as never, 'unit', ctx.facts.unitOrgPath, [ctx.state.orgId ?? '', data.unitOrgId], 'unitOrgPath'),
          category: data.category,
          places: data.places,
          today: dayOf(data.allocatedOn, 'allocatedOn'),
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
          ...(orgVersions ? { orgVersions } : {}),
        },
      };
    },
  },
};

const NOTICE_REPLAYERS = {
  'commendation.PublicNoticePublished': {
    decider: noticeDecider,
    before: 0,
    ownStreamId: (d: Published) => noticeStreamId(d.programmeId),
    // The programme as read, and each nomination at the version the notice recorded for its entry.
    reads: (d: Published & { decision: { inputs: StreamRead[] } }) => [
      ...others(d.decision.inputs, noticeStreamId(d.programmeId), ['award-programme-']),
      ...d.entries.map((e) => ({ streamId: `nomination-${e.nominationId}`, version: e.nominationVersion })),
    ],
    command: (data: Published, ctx: CommendationReplayContext): PublishNotice => ({
      type: 'PublishNotice',
      data: {
        programme: programmeFacts(programmeAt(ctx, requiredInput(ctx.decision, 'award-programme-'))),
        entries: data.entries.map((e) => {
          const s = nominationAt(ctx, { streamId: `nomination-${e.nominationId}`, version: e.nominationVersion });
          return {
            nominationId: e.nominationId,
            version: s.version,
            status: s.status,
            programmeId: s.programmeId ?? '',
            category: s.category ?? e.category,
            name: s.nominee?.name ?? '',
            orgName: s.nominee?.orgName ?? '',
            deedsSummary: s.deeds?.summary ?? '',
          };
        }),
        // The adjustments inside the period, as recorded: the only ones the end date depends on.
        calendar: data.calendar,
        calendarInputs: ctx.decision.inputs.slice(2),
        today: data.startsOn,
        decidedBy: ctx.decision.decidedBy,
        reason: ctx.decision.reason,
      },
    }),
  },
};

const objection = <D extends { objectionId: string }, C>(command: (data: D, ctx: CommendationReplayContext<never>) => C) => ({
  decider: objectionDecider,
  before: 0,
  ownStreamId: (d: D) => objectionStreamId(d.objectionId),
  reads: () => [],
  command,
});

const OBJECTION_REPLAYERS = {
  'commendation.ObjectionAssigned': objection((data: Assigned, ctx): AssignObjection => {
    const state = ctx.state as { awardingOrgId: string | null };
    const orgVersions = recordedOrgVersions(ctx.decision);
    return {
      type: 'AssignObjection',
      data: {
        decidedBy: ctx.decision.decidedBy,
        investigator: data.investigator,
        awardingOrgPath: pathChecked(
          ctx,
          'awarding-body',
          ctx.facts.awardingOrgPath,
          [data.investigator.orgId, state.awardingOrgId ?? ''],
          'awardingOrgPath',
        ),
        reason: ctx.decision.reason,
        ...(orgVersions ? { orgVersions } : {}),
        ruleVersions: recordedRuleVersions(ctx.decision),
      },
    };
  }),
  'commendation.ObjectionUpheld': objection((data: Concluded, ctx): UpholdObjection => ({
    type: 'UpholdObjection',
    data: { decidedBy: ctx.decision.decidedBy, findings: data.findings, ruleVersions: recordedRuleVersions(ctx.decision) },
  })),
  'commendation.ObjectionDismissed': objection((data: Concluded, ctx): DismissObjection => ({
    type: 'DismissObjection',
    data: { decidedBy: ctx.decision.decidedBy, findings: data.findings, ruleVersions: recordedRuleVersions(ctx.decision) },
  })),
};

/** The nomination's event a release follows, by why the places come back. */
const LEFT_BY: Record<Released['because'], NominationEvent['type']> = {
  rejected: 'commendation.NominationRejected',
  withdrawn: 'commendation.NominationWithdrawn',
  amended: 'commendation.NominationAmended',
};

const PLACES_REPLAYERS = {
  'commendation.PlaceGranted': {
    decider: placesDecider,
    before: 0,
    ownStreamId: (d: Granted) => placesStreamId(d.programmeId, d.unitOrgId),
    reads: (d: Granted) => others(d.decision.inputs, placesStreamId(d.programmeId, d.unitOrgId), ['award-programme-']),
    command: (data: Granted, ctx: CommendationReplayContext): GrantPlace => {
      const programme = requiredInput(ctx.decision, 'award-programme-');
      return {
        type: 'GrantPlace',
        data: {
          programmeId: data.programmeId,
          unitOrgId: data.unitOrgId,
          category: data.category,
          level: data.level,
          nominationId: data.nominationId,
          // Recorded with the grant (from 2026-12-02), as the nomination id is: who the place is for, not a judgement.
          ...(data.nomineeId ? { nomineeId: data.nomineeId } : {}),
          places: placesOf(programmeAt(ctx, programme), data.unitOrgId, data.category),
          programme,
          nomination: requiredInput(ctx.decision, 'nomination-'),
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
        },
      };
    },
  },
  'commendation.PlacesReleased': {
    decider: placesDecider,
    before: 0,
    ownStreamId: (d: Released) => placesStreamId(d.programmeId, d.unitOrgId),
    // The nomination as read, and the events its own decision appended with the release (at most two: a check and the amendment).
    reads: (d: Released) => {
      const read = d.decision.inputs.find((i) => i.streamId.startsWith('nomination-'));
      return read ? [{ streamId: read.streamId, version: read.version + 2 }] : [];
    },
    command: (data: Released, ctx: CommendationReplayContext): ReleasePlaces => {
      const read = requiredInput(ctx.decision, 'nomination-');
      const events = ctx.read({ streamId: read.streamId, version: read.version + 2 });
      const left = events.findIndex((e, i) => i >= read.version && e.type === LEFT_BY[data.because]);
      const after = nominationAt({ read: () => events.slice(0, left < 0 ? read.version : left + 1) }, read);
      return {
        type: 'ReleasePlaces',
        data: {
          programmeId: data.programmeId,
          unitOrgId: data.unitOrgId,
          category: data.category,
          nominationId: data.nominationId,
          because: data.because,
          status: after.status,
          nomination: read,
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
        },
      };
    },
  },
};

/**
 * Every commendation decision event and how to replay it (issue 12, "Explain"). The
 * eligibility check is replayed by `replayEligibility` on evaluation's facts; the filing of an
 * objection records no decision (anyone files it).
 */
export const COMMENDATION_DECISION_REPLAYERS: Readonly<Record<string, CommendationDecisionReplayer>> = {
  ...NOMINATION_REPLAYERS,
  ...PROGRAMME_REPLAYERS,
  ...NOTICE_REPLAYERS,
  ...OBJECTION_REPLAYERS,
  ...PLACES_REPLAYERS,
};

import { fold, type Decider, type DomainEvent } from '@vanguard/kernel';
import {
  COUNTY,
  countyInspector,
  countyOrganizer,
  deeds,
  goodMemberFacts,
  ids,
  member,
  NOMINATION_ID,
  OBJECTION_ID,
  OTHER_NOMINATION_ID,
  PATH_TO_TOWNSHIP,
  PATH_TO_VILLAGE,
  PROGRAMME_ID,
  TIMELINE,
  TOWNSHIP,
  townshipReviewer,
  villageSecretary,
} from '../__fixtures__/commendation.fixtures';
import type { DecidedBy } from '../decided-by';
import { nominationDecider } from '../nomination/nomination.decide';
import type { NominationCommand } from '../nomination/nomination.commands';
import { awaitedStep, nominationStreamId } from '../nomination/nomination.state';
import { noticeDecider } from '../notice/notice.decide';
import { noticeFactsFor } from '../notice/notice.facts';
import { objectionDecider } from '../objection/objection.decide';
import { noticeForObjection, objectionOutcome } from '../objection/objection.facts';
import { objectionStreamId } from '../objection/objection.state';
import type { PlaceLevel, ReleasePlaces } from '../places/places.commands';
import { placesDecider } from '../places/places.decide';
import { placesHeld, placesStreamId } from '../places/places.state';
import { programmeDecider } from '../programme/programme.decide';
import { placesOf, programmeFacts } from '../programme/programme.facts';
import type { CommendationReplayFacts } from './replay-commendation-decision';

/**
 * A county programme recorded as the commendation service records it (its handlers' reads and
 * appends, in memory): places, three nominations (one shortlisted, returned, amended and
 * decided, then revoked; one withdrawn on an upheld objection; one rejected), two notice rounds.
 */
const streams = new Map<string, DomainEvent[]>();
const load = <S, E>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, streamId: string): S =>
  fold(decider, (streams.get(streamId) ?? []) as E[]);
function run<C, S, E>(decider: Decider<C, S, E>, streamId: string, command: C): E[] {
  const history = (streams.get(streamId) ?? []) as E[];
  const events = decider.decide(command, fold(decider, history));
  streams.set(streamId, [...history, ...events] as DomainEvent[]);
  return events;
}
const version = (streamId: string) => streams.get(streamId)?.length ?? 0;

export const PROGRAMME = `award-programme-${PROGRAMME_ID}`;
export const NOTICE = `public-notice-${PROGRAMME_ID}`;
export const PLACES = placesStreamId(PROGRAMME_ID, TOWNSHIP);
export const THIRD_NOMINATION_ID = '01960000-0000-7000-8000-0000000000c3';
export const OTHER_OBJECTION_ID = '01960000-0000-7000-8000-0000000000d2';
const category = 'outstanding_member' as const;
const programme = () => load(programmeDecider, PROGRAMME);
const nomination = (id: string) => load(nominationDecider, nominationStreamId(id));
const places = () => load(placesDecider, PLACES);
const read = (streamId: string) => ({ streamId, version: version(streamId) });

run(programmeDecider, PROGRAMME, {
  type: 'LaunchAwardProgramme',
  data: {
    programmeId: PROGRAMME_ID,
    name: '2012 年创先争优专项表彰',
    orgId: COUNTY,
    level: 'county',
    categories: [category],
    years: [2010, 2011, 2012],
    timeline: TIMELINE,
    awardingOrgLevel: 'county',
    decidedBy: countyOrganizer,
    reason: '七一表彰',
  },
});
run(programmeDecider, PROGRAMME, {
  type: 'AllocateQuota',
  data: { unitOrgId: TOWNSHIP, unitOrgPath: ids(PATH_TO_TOWNSHIP), category, places: 3, today: '2012-04-08', decidedBy: countyOrganizer },
});

/** The nomination's command and the place it takes, in one append (as `SubmitNominationHandler` and the review handlers do). */
function withPlace(
  id: string,
  command: (quota: { places: number; used: number; stream: { streamId: string; version: number } }) => NominationCommand,
  level: PlaceLevel,
  by: DecidedBy,
  reason?: string,
  nomineeId?: string,
) {
  const allocated = placesOf(programme(), TOWNSHIP, category);
  const quota = { places: allocated, used: placesHeld(places(), category, level, id), stream: read(PLACES) };
  const own = read(nominationStreamId(id));
  run(nominationDecider, nominationStreamId(id), command(quota));
  run(placesDecider, PLACES, {
    type: 'GrantPlace',
    data: {
      programmeId: PROGRAMME_ID,
      unitOrgId: TOWNSHIP,
      category,
      level,
      nominationId: id,
      ...(nomineeId ? { nomineeId } : {}),
      places: allocated,
      programme: read(PROGRAMME),
      nomination: own,
      decidedBy: by,
      ...(reason ? { reason } : {}),
    },
  });
}
const submit = (id: string, name: string) =>
  withPlace(
    id,
    (quota) => ({
      type: 'SubmitNomination',
      data: {
        nominationId: id,
        category,
        nominee: { ...member, id: id.replace('0196', '0193'), name },
        deeds,
        nominatorOrgPath: PATH_TO_VILLAGE,
        nomineeOrgPath: ids(PATH_TO_VILLAGE),
        programme: programmeFacts(programme()),
        quota,
        alreadyNominated: null,
        eligibility: goodMemberFacts,
        today: '2012-04-20',
        decidedBy: villageSecretary,
      },
    }),
    'nominator',
    villageSecretary,
    undefined,
    id.replace('0196', '0193'),
  );
const endorse = (id: string, by: DecidedBy, today: string) =>
  withPlace(
    id,
    (quota) => ({ type: 'EndorseNomination', data: { decidedBy: by, reason: '同意', today, programme: read(PROGRAMME), quota } }),
    awaitedStep(nomination(id))!.level,
    by,
    '同意',
  );
/** The nomination's own decision, then the places it gives back (as `UnitPlaces.release`). */
function leaving(id: string, command: NominationCommand, because: ReleasePlaces['data']['because'], by: DecidedBy, reason: string) {
  const own = read(nominationStreamId(id));
  const before = nomination(id);
  const events = run(nominationDecider, nominationStreamId(id), command);
  const after = events.reduce((s, e) => nominationDecider.evolve(s, e), before);
  run(placesDecider, PLACES, {
    type: 'ReleasePlaces',
    data: {
      programmeId: PROGRAMME_ID,
      unitOrgId: TOWNSHIP,
      category,
      nominationId: id,
      because,
      status: after.status,
      nomination: own,
      decidedBy: by,
      reason,
    },
  });
}
const entries = () =>
  [NOMINATION_ID, OTHER_NOMINATION_ID]
    .map((id) => ({ id, s: nomination(id) }))
    .filter(({ s }) => s.status === 'shortlisted')
    .map(({ id, s }) => ({
      nominationId: id,
      version: s.version,
      status: s.status,
      programmeId: s.programmeId!,
      category: s.category!,
      name: s.nominee!.name,
      orgName: s.nominee!.orgName,
      deedsSummary: s.deeds!.summary,
    }));
const publish = (today: string) =>
  run(noticeDecider, NOTICE, {
    type: 'PublishNotice',
    data: {
      programme: programmeFacts(programme()),
      entries: entries(),
      calendar: { holidays: [], makeUpWorkdays: [] },
      today,
      decidedBy: countyOrganizer,
    },
  });
function objectTo(objectionId: string, nominationId: string, trackingCode: string) {
  const stream = objectionStreamId(objectionId);
  const notice = noticeForObjection(load(noticeDecider, NOTICE))!;
  const data = {
    objectionId,
    trackingCode,
    nominationId,
    named: false,
    hasContact: false,
    grounds: '事迹与实际不符',
    today: '2012-06-04',
    notice,
  };
  run(objectionDecider, stream, { type: 'FileObjection', data });
  run(objectionDecider, stream, {
    type: 'AssignObjection',
    data: { decidedBy: countyOrganizer, investigator: countyInspector, awardingOrgPath: ids(PATH_TO_TOWNSHIP).slice(0, 3) },
  });
}

submit(NOMINATION_ID, '王秀英');
submit(OTHER_NOMINATION_ID, '李建国');
submit(THIRD_NOMINATION_ID, '赵敏');
endorse(NOMINATION_ID, townshipReviewer, '2012-05-15');
endorse(NOMINATION_ID, countyOrganizer, '2012-05-30');
endorse(OTHER_NOMINATION_ID, townshipReviewer, '2012-05-15');
run(nominationDecider, nominationStreamId(OTHER_NOMINATION_ID), {
  type: 'ReturnNomination',
  data: { decidedBy: countyOrganizer, reason: '事迹材料不全' },
});
leaving(
  OTHER_NOMINATION_ID,
  {
    type: 'AmendNomination',
    data: {
      decidedBy: villageSecretary,
      deeds: { ...deeds, summary: `${deeds.summary}（补充）` },
      programme: programmeFacts(programme()),
      eligibility: goodMemberFacts,
    },
  },
  'amended',
  villageSecretary,
  '',
);
endorse(OTHER_NOMINATION_ID, townshipReviewer, '2012-05-18');
endorse(OTHER_NOMINATION_ID, countyOrganizer, '2012-05-28');
leaving(
  THIRD_NOMINATION_ID,
  { type: 'RejectNomination', data: { decidedBy: townshipReviewer, reason: '群众基础不足' } },
  'rejected',
  townshipReviewer,
  '群众基础不足',
);
publish('2012-06-01');
objectTo(OBJECTION_ID, NOMINATION_ID, 'K7QD-2M9X-41PA');
objectTo(OTHER_OBJECTION_ID, OTHER_NOMINATION_ID, 'Q2WE-9RTY-7UIO');
run(objectionDecider, objectionStreamId(OTHER_OBJECTION_ID), {
  type: 'DismissObjection',
  data: { decidedBy: countyInspector, findings: '经核查不实' },
});
run(objectionDecider, objectionStreamId(OBJECTION_ID), {
  type: 'UpholdObjection',
  data: { decidedBy: countyInspector, findings: '经核查属实' },
});
leaving(
  NOMINATION_ID,
  {
    type: 'WithdrawNomination',
    data: { decidedBy: countyInspector, objection: objectionOutcome(load(objectionDecider, objectionStreamId(OBJECTION_ID))) },
  },
  'withdrawn',
  countyInspector,
  '经核查属实',
);
publish('2012-06-11');
run(nominationDecider, nominationStreamId(OTHER_NOMINATION_ID), {
  type: 'DecideCommendation',
  data: {
    decidedBy: countyOrganizer,
    documentNumber: '通创组发〔2012〕5号',
    today: '2012-06-18',
    notice: noticeFactsFor(load(noticeDecider, NOTICE), PROGRAMME_ID, OTHER_NOMINATION_ID),
    openObjections: [],
    // Both concluded: one upheld against the nomination withdrawn, one dismissed.
    closedObjections: [read(objectionStreamId(OBJECTION_ID)), read(objectionStreamId(OTHER_OBJECTION_ID))],
  },
});
run(nominationDecider, nominationStreamId(OTHER_NOMINATION_ID), {
  type: 'RevokeCommendation',
  data: { decidedBy: countyOrganizer, reason: '事迹失实', today: '2012-09-03' },
});

/** The recorded streams, and how a replay reads one of them at a version. */
export const recordedStreams: ReadonlyMap<string, readonly DomainEvent[]> = streams;
export const replayFacts: CommendationReplayFacts = {
  read: (input) => (streams.get(input.streamId) ?? []).slice(0, input.version),
  eligibility: goodMemberFacts,
};

type Alter = (data: Record<string, unknown>) => Record<string, unknown>;
const decisionOf = (d: Record<string, unknown>) => d['decision'] as Record<string, unknown>;
/**
 * Each decision type once: the stream, the type (its `nth` in the stream), and a change to what
 * it recorded that the replay must not reproduce — an outcome its decider computes, or a
 * recorded fact its rules refuse.
 */
export const decisions: [string, string, number, Alter][] = [
  [
    'commendation.AwardProgrammeLaunched',
    PROGRAMME,
    0,
    (d) => ({ ...d, eligibilityPolicies: [{ id: 'commendation.eligibility.review-grade', version: 99 }] }),
  ],
  ['commendation.QuotaAllocated', PROGRAMME, 0, (d) => ({ ...d, programmeId: OTHER_NOMINATION_ID })],
  [
    'commendation.NominationSubmitted',
    nominationStreamId(NOMINATION_ID),
    0,
    (d) => ({ ...d, quota: { ...(d['quota'] as object), usedBefore: 2 } }),
  ],
  ['commendation.NominationEndorsed', nominationStreamId(NOMINATION_ID), 1, (d) => ({ ...d, late: true })],
  [
    'commendation.NominationReturned',
    nominationStreamId(OTHER_NOMINATION_ID),
    0,
    (d) => ({ ...d, step: { ...(d['step'] as object), dueOn: '2012-06-30' } }),
  ],
  ['commendation.NominationAmended', nominationStreamId(OTHER_NOMINATION_ID), 0, (d) => ({ ...d, programmeId: THIRD_NOMINATION_ID })],
  [
    'commendation.NominationRejected',
    nominationStreamId(THIRD_NOMINATION_ID),
    0,
    (d) => ({ ...d, step: { ...(d['step'] as object), level: 'county' } }),
  ],
  [
    'commendation.NominationWithdrawn',
    nominationStreamId(NOMINATION_ID),
    0,
    (d) => ({ ...d, decision: { ...decisionOf(d), reason: '经核查不实' } }),
  ],
  ['commendation.CommendationDecided', nominationStreamId(OTHER_NOMINATION_ID), 0, (d) => ({ ...d, deedsSummary: deeds.summary })],
  [
    'commendation.CommendationRevoked',
    nominationStreamId(OTHER_NOMINATION_ID),
    0,
    (d) => ({ ...d, documentNumber: '通创组发〔2012〕6号' }),
  ],
  ['commendation.PublicNoticePublished', NOTICE, 1, (d) => ({ ...d, endsOn: '2012-06-14' })],
  [
    'commendation.ObjectionAssigned',
    objectionStreamId(OBJECTION_ID),
    0,
    (d) => ({ ...d, decision: { ...decisionOf(d), decidedBy: townshipReviewer } }),
  ],
  ['commendation.ObjectionUpheld', objectionStreamId(OBJECTION_ID), 0, (d) => ({ ...d, nominationId: OTHER_NOMINATION_ID })],
  ['commendation.ObjectionDismissed', objectionStreamId(OTHER_OBJECTION_ID), 0, (d) => ({ ...d, programmeId: THIRD_NOMINATION_ID })],
  ['commendation.PlaceGranted', PLACES, 1, (d) => ({ ...d, usedBefore: 0 })],
  ['commendation.PlacesReleased', PLACES, 0, (d) => ({ ...d, levels: ['nominator', 'township'] })],
];

/** The index in `streamId` of its `nth` event of `type`. */
export const indexOf = (streamId: string, type: string, nth = 0) =>
  (recordedStreams.get(streamId) ?? []).flatMap((e, i) => (e.type === type ? [i] : []))[nth]!;

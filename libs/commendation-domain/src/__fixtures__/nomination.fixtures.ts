// Commands on one nomination, and a way to build its history by deciding them in turn.
import { fold } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { NominationCommand, SubmitNomination } from '../nomination/nomination.commands';
import { nominationDecider } from '../nomination/nomination.decide';
import type { NominationEvent } from '../nomination/nomination.events';
import {
  countyInspector,
  countyOrganizer,
  deeds,
  goodMemberFacts,
  ids,
  member,
  NOMINATION_ID,
  OBJECTION_ID,
  PATH_TO_VILLAGE,
  PROGRAMME_ID,
  programmeFacts,
  townshipReviewer,
  villageSecretary,
} from './commendation.fixtures';

export const NOMINATION_STREAM = `nomination-${NOMINATION_ID}`;
export const NOTICE_STREAM = `public-notice-${PROGRAMME_ID}`;

export const submit = (data: Partial<SubmitNomination['data']> = {}): NominationCommand => ({
  type: 'SubmitNomination',
  data: {
    nominationId: NOMINATION_ID,
    category: 'outstanding_member',
    nominee: member,
    deeds,
    nominatorOrgPath: PATH_TO_VILLAGE,
    nomineeOrgPath: ids(PATH_TO_VILLAGE),
    programme: programmeFacts(),
    quota: { places: 3, used: 1 },
    alreadyNominated: null,
    eligibility: goodMemberFacts,
    today: '2012-04-20',
    decidedBy: villageSecretary,
    reason: '群众公认，事迹突出',
    ...data,
  },
});

export const endorse = (
  decidedBy: DecidedBy = townshipReviewer,
  today = '2012-05-15',
  quota = { places: 3, used: 0 },
): NominationCommand => ({
  type: 'EndorseNomination',
  data: { decidedBy, reason: '同意推荐', today, programme: { streamId: `award-programme-${PROGRAMME_ID}`, version: 3 }, quota },
});
export const returnIt = (decidedBy: DecidedBy = townshipReviewer, reason = '事迹材料不够具体'): NominationCommand => ({
  type: 'ReturnNomination',
  data: { decidedBy, reason },
});
export const reject = (decidedBy: DecidedBy = townshipReviewer, reason = '群众反映有分歧'): NominationCommand => ({
  type: 'RejectNomination',
  data: { decidedBy, reason },
});
export const countyEndorses = endorse(countyOrganizer, '2012-05-28');

export const noticeFacts = (data: Partial<{ round: number; endsOn: string; listed: boolean; version: number }> = {}) => ({
  streamId: NOTICE_STREAM,
  version: 1,
  round: 1,
  endsOn: '2012-06-07',
  listed: true,
  ...data,
});
export const decideIt = (data: Partial<Extract<NominationCommand, { type: 'DecideCommendation' }>['data']> = {}): NominationCommand => ({
  type: 'DecideCommendation',
  data: {
    decidedBy: countyOrganizer,
    documentNumber: '通创组发〔2012〕5号',
    today: '2012-06-20',
    notice: noticeFacts(),
    openObjections: [],
    reason: '经公示无异议',
    ...data,
  },
});
export const upheldObjection = (upheld = true, nominationId = NOMINATION_ID) => ({
  objectionId: OBJECTION_ID,
  streamId: `objection-${OBJECTION_ID}`,
  version: 3,
  nominationId,
  upheld,
  findings: '经核查，所报事迹中道路硬化里程虚报',
});
export const withdraw = (objection = upheldObjection()): NominationCommand => ({
  type: 'WithdrawNomination',
  data: { decidedBy: countyInspector, objection },
});

/** The events the decider gives for each command in turn, from an empty stream. */
export function historyOf(...commands: NominationCommand[]): NominationEvent[] {
  const events: NominationEvent[] = [];
  for (const c of commands) events.push(...nominationDecider.decide(c, fold(nominationDecider, events)));
  return events;
}

export const submitted = () => historyOf(submit());
export const atCounty = () => historyOf(submit(), endorse());
export const shortlisted = () => historyOf(submit(), endorse(), countyEndorses);
export const decided = () => historyOf(submit(), endorse(), countyEndorses, decideIt());

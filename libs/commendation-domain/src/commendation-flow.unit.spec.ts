import { BusinessRuleViolation, fold, type Decider } from '@vanguard/kernel';
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
} from './__fixtures__/commendation.fixtures';
import { NO_ADJUSTMENTS } from './calendar/working-day-calendar';
import { nominationDecider } from './nomination/nomination.decide';
import { NoDecisionWhileAnObjectionIsOpenRule, NoticeRanItsFullPeriodRule } from './nomination/nomination.rules';
import { nominationStreamId } from './nomination/nomination.state';
import { subordinateUnitOf } from './nomination/review-chain';
import { noticeDecider } from './notice/notice.decide';
import { noticeFactsFor } from './notice/notice.facts';
import { objectionDecider } from './objection/objection.decide';
import { noticeForObjection, objectionOutcome } from './objection/objection.facts';
import { isOpenObjection, objectionStreamId } from './objection/objection.state';
import { programmeDecider } from './programme/programme.decide';
import { placesOf, programmeFacts } from './programme/programme.facts';

// The whole flow as the service runs it, with the helpers the README names for the facts each
// command needs: one county programme, two nominations from one branch, one objection
// dismissed and one upheld, the shortlist noticed again, the decision after the second round.

/** A tiny in-memory store: stream id → events, each command decided on the folded stream. */
function store() {
  const streams = new Map<string, unknown[]>();
  return {
    run<C, S, E>(decider: Decider<C, S, E>, streamId: string, command: C): E[] {
      const history = (streams.get(streamId) ?? []) as E[];
      const events = decider.decide(command, fold(decider, history));
      streams.set(streamId, [...history, ...events]);
      return events;
    },
    state<C, S, E>(decider: Decider<C, S, E>, streamId: string): S {
      return fold(decider, (streams.get(streamId) ?? []) as E[]);
    },
  };
}

describe('a commendation from programme to decision', () => {
  it('runs bottom-up through places, notice, objections and a second notice round to the decision', () => {
    const db = store();
    const programmeStream = `award-programme-${PROGRAMME_ID}`;
    const noticeStream = `public-notice-${PROGRAMME_ID}`;
    const second = { ...member, id: '01930000-0000-7000-8000-0000000000a2', name: '李建国' };
    const OTHER_OBJECTION = '01960000-0000-7000-8000-0000000000d2';

    db.run(programmeDecider, programmeStream, {
      type: 'LaunchAwardProgramme',
      data: {
        programmeId: PROGRAMME_ID,
        name: '2012 年创先争优专项表彰',
        orgId: COUNTY,
        level: 'county',
        categories: ['outstanding_member'],
        years: [2010, 2011, 2012],
        timeline: TIMELINE,
        awardingOrgLevel: 'county',
        decidedBy: countyOrganizer,
      },
    });
    db.run(programmeDecider, programmeStream, {
      type: 'AllocateQuota',
      data: {
        unitOrgId: TOWNSHIP,
        unitOrgPath: ids(PATH_TO_TOWNSHIP),
        category: 'outstanding_member',
        places: 2,
        today: '2012-04-08',
        decidedBy: countyOrganizer,
      },
    });
    const programme = db.state(programmeDecider, programmeStream);
    const unit = subordinateUnitOf(PATH_TO_VILLAGE, COUNTY)!;
    expect([unit, placesOf(programme, unit, 'outstanding_member')]).toEqual([TOWNSHIP, 2]);

    // Submitted by the branch, endorsed by the township and the county, each within the unit's 2 places.
    [
      { nominationId: NOMINATION_ID, nominee: member },
      { nominationId: OTHER_NOMINATION_ID, nominee: second },
    ].forEach(({ nominationId, nominee }, used) => {
      const stream = nominationStreamId(nominationId);
      const quota = { places: placesOf(programme, unit, 'outstanding_member'), used };
      db.run(nominationDecider, stream, {
        type: 'SubmitNomination',
        data: {
          nominationId,
          category: 'outstanding_member',
          nominee,
          deeds,
          nominatorOrgPath: PATH_TO_VILLAGE,
          nomineeOrgPath: ids(PATH_TO_VILLAGE),
          programme: programmeFacts(programme),
          quota,
          alreadyNominated: null,
          eligibility: goodMemberFacts,
          today: '2012-04-20',
          decidedBy: villageSecretary,
        },
      });
      for (const [decidedBy, today] of [
        [townshipReviewer, '2012-05-15'],
        [countyOrganizer, '2012-05-28'],
      ] as const)
        db.run(nominationDecider, stream, {
          type: 'EndorseNomination',
          data: { decidedBy, reason: '同意', today, programme: { streamId: programmeStream, version: programme.version }, quota },
        });
    });
    const shortlisted = (id: string) => db.state(nominationDecider, nominationStreamId(id));
    expect([shortlisted(NOMINATION_ID).status, shortlisted(OTHER_NOMINATION_ID).status]).toEqual(['shortlisted', 'shortlisted']);

    // 公示, round 1: five working days from Friday 1 June.
    const entries = () =>
      [NOMINATION_ID, OTHER_NOMINATION_ID]
        .map((id) => shortlisted(id))
        .filter((s) => s.status === 'shortlisted')
        .map((s) => ({
          nominationId: s.nominationId!,
          version: s.version,
          status: s.status,
          programmeId: s.programmeId!,
          category: s.category!,
          name: s.nominee!.name,
          orgName: s.nominee!.orgName,
          deedsSummary: s.deeds!.summary,
        }));
    const publish = (today: string) =>
      db.run(noticeDecider, noticeStream, {
        type: 'PublishNotice',
        data: { programme: programmeFacts(programme), entries: entries(), calendar: NO_ADJUSTMENTS, today, decidedBy: countyOrganizer },
      });
    expect(publish('2012-06-01')[0]!.data).toMatchObject({ round: 1, endsOn: '2012-06-07' });

    // Two objections during the notice, both assigned to the county inspector.
    for (const [objectionId, nominationId, trackingCode] of [
      [OBJECTION_ID, NOMINATION_ID, 'K7QD-2M9X-41PA'],
      [OTHER_OBJECTION, OTHER_NOMINATION_ID, 'Q2WE-9RTY-7UIO'],
    ]) {
      const notice = noticeForObjection(db.state(noticeDecider, noticeStream))!;
      db.run(objectionDecider, objectionStreamId(objectionId!), {
        type: 'FileObjection',
        data: {
          objectionId: objectionId!,
          trackingCode: trackingCode!,
          nominationId: nominationId!,
          named: false,
          hasContact: false,
          grounds: '事迹与实际不符',
          today: '2012-06-04',
          notice,
        },
      });
      db.run(objectionDecider, objectionStreamId(objectionId!), {
        type: 'AssignObjection',
        data: { decidedBy: countyOrganizer, investigator: countyInspector, awardingOrgPath: ids(PATH_TO_TOWNSHIP).slice(0, 3) },
      });
    }
    const openObjections = () =>
      [OBJECTION_ID, OTHER_OBJECTION]
        .map((id) => ({ id, state: db.state(objectionDecider, objectionStreamId(id)) }))
        .filter(({ state }) => isOpenObjection(state.status))
        .map(({ id, state }) => ({ streamId: objectionStreamId(id), version: state.version }));
    const decide = (nominationId: string, today: string) =>
      db.run(nominationDecider, nominationStreamId(nominationId), {
        type: 'DecideCommendation',
        data: {
          decidedBy: countyOrganizer,
          documentNumber: '通创组发〔2012〕5号',
          today,
          notice: noticeFactsFor(db.state(noticeDecider, noticeStream), PROGRAMME_ID, nominationId),
          openObjections: openObjections(),
        },
      });
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof BusinessRuleViolation ? e.rule.constructor : e;
      }
      return null;
    };
    expect(refusal(() => decide(OTHER_NOMINATION_ID, '2012-06-08'))).toBe(NoDecisionWhileAnObjectionIsOpenRule);

    // One dismissed; one upheld, which withdraws its nomination.
    db.run(objectionDecider, objectionStreamId(OTHER_OBJECTION), {
      type: 'DismissObjection',
      data: { decidedBy: countyInspector, findings: '经核查属实' },
    });
    db.run(objectionDecider, objectionStreamId(OBJECTION_ID), {
      type: 'UpholdObjection',
      data: { decidedBy: countyInspector, findings: '经核查不实' },
    });
    db.run(nominationDecider, nominationStreamId(NOMINATION_ID), {
      type: 'WithdrawNomination',
      data: { decidedBy: countyInspector, objection: objectionOutcome(db.state(objectionDecider, objectionStreamId(OBJECTION_ID))) },
    });
    expect(openObjections()).toEqual([]);

    // The changed shortlist is noticed again for a full period; the decision waits for its end.
    expect(publish('2012-06-11')[0]!.data).toMatchObject({
      round: 2,
      endsOn: '2012-06-15',
      entries: [{ nominationId: OTHER_NOMINATION_ID }],
    });
    expect(refusal(() => decide(OTHER_NOMINATION_ID, '2012-06-14'))).toBe(NoticeRanItsFullPeriodRule);
    expect(decide(OTHER_NOMINATION_ID, '2012-06-18')[0]).toMatchObject({
      type: 'commendation.CommendationDecided',
      data: {
        nominee: { name: '李建国' },
        documentNumber: '通创组发〔2012〕5号',
        decision: { inputs: [{}, { streamId: noticeStream, version: 2 }] },
      },
    });
    expect(shortlisted(NOMINATION_ID).status).toBe('withdrawn');
  });
});

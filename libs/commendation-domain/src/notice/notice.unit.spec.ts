import { PublicNoticePublished } from '@vanguard/contracts';
import { specificationFor } from '@vanguard/kernel/testing';
import { fold } from '@vanguard/kernel';
import {
  countyOrganizer,
  deeds,
  NOMINATION_ID,
  OTHER_NOMINATION_ID,
  PROGRAMME_ID,
  programmeFacts,
  TIMELINE,
  townshipSecretary,
} from '../__fixtures__/commendation.fixtures';
import { NO_ADJUSTMENTS } from '../calendar/working-day-calendar';
import type { NoticeCandidate, NoticeCommand } from './notice.commands';
import { noticeDecider } from './notice.decide';
import type { NoticeEvent } from './notice.events';
import { noticeFactsFor } from './notice.facts';
import {
  NoticeIsPublishedByTheAwardingBodyRule,
  NoticeIsRepublishedOnlyForAChangedShortlistRule,
  NoticeListsAtMostItsLimitRule,
  NoticeListsOnlyShortlistedNominationsRule,
} from './notice.rules';
import { noticeIsRunning } from './notice.state';

const spec = specificationFor(noticeDecider);
const candidate = (nominationId = NOMINATION_ID, overrides: Partial<NoticeCandidate> = {}): NoticeCandidate => ({
  nominationId,
  version: 4,
  status: 'shortlisted',
  programmeId: PROGRAMME_ID,
  category: 'outstanding_member',
  name: '王秀英',
  orgName: '城东村党支部',
  deedsSummary: deeds.summary,
  ...overrides,
});
const publish = (
  entries: NoticeCandidate[] = [candidate(), candidate(OTHER_NOMINATION_ID, { name: '李建国' })],
  today = '2012-06-01',
  calendar = NO_ADJUSTMENTS,
  programme = programmeFacts(),
  decidedBy = countyOrganizer,
): NoticeCommand => ({ type: 'PublishNotice', data: { programme, entries, calendar, today, decidedBy, reason: '入围名单公示' } });
const history = (...commands: NoticeCommand[]) => {
  const events: NoticeEvent[] = [];
  for (const c of commands) events.push(...noticeDecider.decide(c, fold(noticeDecider, events)));
  return events;
};

describe('noticeDecider (公示)', () => {
  it('publishes round 1 for the programme’s working days, with only what a notice shows', () =>
    spec
      .given([])
      .when(publish())
      .thenMatches((e) =>
        expect(e).toEqual([
          {
            type: 'commendation.PublicNoticePublished',
            data: {
              programmeId: PROGRAMME_ID,
              awardingOrgId: countyOrganizer.orgId,
              round: 1,
              startsOn: '2012-06-01',
              endsOn: '2012-06-07',
              days: 5,
              dayKind: 'working',
              calendar: { holidays: [], makeUpWorkdays: [] },
              entries: [
                {
                  nominationId: NOMINATION_ID,
                  nominationVersion: 4,
                  category: 'outstanding_member',
                  name: '王秀英',
                  orgName: '城东村党支部',
                  deedsSummary: deeds.summary,
                },
                {
                  nominationId: OTHER_NOMINATION_ID,
                  nominationVersion: 4,
                  category: 'outstanding_member',
                  name: '李建国',
                  orgName: '城东村党支部',
                  deedsSummary: deeds.summary,
                },
              ],
              decision: {
                decidedBy: countyOrganizer,
                inputs: [
                  { streamId: `public-notice-${PROGRAMME_ID}`, version: 0 },
                  { streamId: `award-programme-${PROGRAMME_ID}`, version: 3 },
                ],
                rule: { id: 'commendation.notice.period', version: 1 },
                checks: [
                  'commendation.notice.by-awarding-body',
                  'commendation.notice.shortlisted-only',
                  'commendation.notice.republished-when-changed',
                ].map((id) => ({ id, version: 1 })),
                reason: '入围名单公示',
              },
            },
          },
        ]),
      ));
  it('records where the calendar was read, when the handler says', () =>
    spec
      .given([])
      .when({
        type: 'PublishNotice',
        data: {
          ...publish().data,
          calendarInputs: [{ streamId: 'calendar-2012', version: 3 }],
        },
      })
      .thenMatches((e) =>
        expect(e[0]!.data.decision.inputs).toEqual([
          { streamId: `public-notice-${PROGRAMME_ID}`, version: 0 },
          { streamId: `award-programme-${PROGRAMME_ID}`, version: 3 },
          { streamId: 'calendar-2012', version: 3 },
        ]),
      ));
  it('counts calendar days when the programme says so', () =>
    spec
      .given([])
      .when(
        publish(
          undefined,
          '2012-06-01',
          NO_ADJUSTMENTS,
          programmeFacts({ timeline: { ...TIMELINE, notice: { days: 7, dayKind: 'calendar' } } }),
        ),
      )
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ endsOn: '2012-06-07', dayKind: 'calendar' })));
  it('skips the operator’s holidays and records those inside the period, so the end date replays', () =>
    spec
      .given([])
      .when(publish(undefined, '2012-06-18', { holidays: ['2012-06-22', '2012-10-01'], makeUpWorkdays: [] }))
      .thenMatches((e) =>
        expect(e[0]!.data).toMatchObject({ endsOn: '2012-06-25', calendar: { holidays: ['2012-06-22'], makeUpWorkdays: [] } }),
      ));
  it('is not published again for an unchanged shortlist', () =>
    spec.given(history(publish())).when(publish(undefined, '2012-06-04')).thenRefuses(NoticeIsRepublishedOnlyForAChangedShortlistRule));
  it('is noticed again for a full period when the shortlist changed (one withdrawn)', () =>
    spec
      .given(history(publish()))
      .when(publish([candidate(OTHER_NOMINATION_ID, { name: '李建国' })], '2012-06-06'))
      .thenMatches((e) =>
        expect(e[0]!.data).toMatchObject({
          round: 2,
          startsOn: '2012-06-06',
          endsOn: '2012-06-12',
          entries: [{ nominationId: OTHER_NOMINATION_ID }],
        }),
      ));
  it('is noticed again when what it shows of a nomination changed', () =>
    spec
      .given(history(publish()))
      .when(publish([candidate(), candidate(OTHER_NOMINATION_ID, { name: '李建国', deedsSummary: '修订后的事迹摘要' })], '2012-06-06'))
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ round: 2 })));
  it('lists only shortlisted nominations', () =>
    spec
      .given([])
      .when(publish([candidate(), candidate(OTHER_NOMINATION_ID, { status: 'under_review' })]))
      .thenRefuses(NoticeListsOnlyShortlistedNominationsRule));
  it('lists each nomination once', () =>
    spec
      .given([])
      .when(publish([candidate(), candidate()]))
      .thenRefuses(NoticeListsOnlyShortlistedNominationsRule));
  it('lists at least one nomination', () => spec.given([]).when(publish([])).thenRefuses(NoticeListsOnlyShortlistedNominationsRule));
  it('lists at most what its event carries: 2,000 pass the contract, 2,001 are refused', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => candidate(`01960000-0000-7000-8000-${String(i).padStart(12, '0')}`, { name: `党员${i}` }));
    spec
      .given([])
      .when(publish(many(2_000)))
      .thenMatches(([event]) => expect(PublicNoticePublished.schema.safeParse(event!.data).success).toBe(true));
    spec
      .given([])
      .when(publish(many(2_001)))
      .thenRefuses(NoticeListsAtMostItsLimitRule);
  });
  it('lists only this programme’s nominations', () =>
    spec
      .given([])
      .when(publish([candidate(NOMINATION_ID, { programmeId: '01960000-0000-7000-8000-0000000000b2' })]))
      .thenRefuses(NoticeListsOnlyShortlistedNominationsRule));
  it('is published by the awarding body', () =>
    spec
      .given([])
      .when(publish(undefined, '2012-06-01', NO_ADJUSTMENTS, programmeFacts(), townshipSecretary))
      .thenRefuses(NoticeIsPublishedByTheAwardingBodyRule));
  it('runs from its first to its last day, and tells a decision whether a nomination is on its latest round', () => {
    const state = fold(noticeDecider, history(publish(), publish([candidate(OTHER_NOMINATION_ID, { name: '李建国' })], '2012-06-06')));
    expect(['2012-06-05', '2012-06-06', '2012-06-12', '2012-06-13'].map((d) => noticeIsRunning(state, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([noticeFactsFor(state, PROGRAMME_ID, NOMINATION_ID).listed, noticeFactsFor(state, PROGRAMME_ID, OTHER_NOMINATION_ID)]).toEqual([
      false,
      { streamId: `public-notice-${PROGRAMME_ID}`, version: 2, round: 2, endsOn: '2012-06-12', listed: true },
    ]);
  });
});

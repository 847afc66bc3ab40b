import { checkRule, type Decider } from '@vanguard/kernel';
import { adjustmentsBetween, NoticePeriodV1 } from '../calendar/working-day-calendar';
import { RulesChecked } from '../rules-checked';
import type { NoticeCommand, PublishNotice } from './notice.commands';
import type { NoticeEvent } from './notice.events';
import {
  NoticeIsPublishedByTheAwardingBodyRule,
  NoticeIsRepublishedOnlyForAChangedShortlistRule,
  NoticeListsAtMostItsLimitRule,
  NoticeListsOnlyShortlistedNominationsRule,
} from './notice.rules';
import { evolve, initialState, noticeStreamId, type NoticeState } from './notice.state';

export function publishNotice({ data }: PublishNotice, state: NoticeState): NoticeEvent[] {
  const { programme } = data;
  checkRule(new NoticeListsAtMostItsLimitRule(data.entries.length));
  const rules = new RulesChecked();
  rules.check(new NoticeIsPublishedByTheAwardingBodyRule(data.decidedBy, programme.orgId));
  rules.check(new NoticeListsOnlyShortlistedNominationsRule(programme.programmeId, data.entries));
  rules.check(new NoticeIsRepublishedOnlyForAChangedShortlistRule(state, data.entries));
  const rule = { id: NoticePeriodV1.id, version: NoticePeriodV1.version };
  const { days, dayKind } = programme.timeline.notice;
  const endsOn = NoticePeriodV1.endsOn(data.today, days, dayKind, data.calendar);
  return [
    {
      type: 'commendation.PublicNoticePublished',
      data: {
        programmeId: programme.programmeId,
        awardingOrgId: programme.orgId,
        round: state.round + 1,
        startsOn: data.today,
        endsOn,
        days,
        dayKind,
        calendar: adjustmentsBetween(data.today, endsOn, data.calendar),
        entries: data.entries.map((e) => ({
          nominationId: e.nominationId,
          nominationVersion: e.version,
          category: e.category,
          name: e.name,
          orgName: e.orgName,
          deedsSummary: e.deedsSummary,
        })),
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: noticeStreamId(programme.programmeId), version: state.version },
            { streamId: programme.streamId, version: programme.version },
            ...(data.calendarInputs ?? []).map(({ streamId, version }) => ({ streamId, version })),
          ],
          rule,
          checks: rules.besides(rule),
          reason: data.reason ?? '',
        },
      },
    },
  ];
}

export function decide(command: NoticeCommand, state: NoticeState): NoticeEvent[] {
  switch (command.type) {
    case 'PublishNotice':
      return publishNotice(command, state);
  }
}

/** 公示: the programme's shortlist, in rounds; each round runs a full period. */
export const noticeDecider: Decider<NoticeCommand, NoticeState, NoticeEvent> = { initialState, evolve, decide };

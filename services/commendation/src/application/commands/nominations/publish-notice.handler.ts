import { Inject, Injectable } from '@nestjs/common';
import { AWARDING_ROLES, nominationStreamId, noticeDecider, noticeStreamId, type NoticeCandidate } from '@vanguard/commendation-domain';
import { WORK_CALENDAR, noticeYears, type WorkCalendarPort } from '../../calendar/work-calendar.port';
import { NOMINATION_READ_MODEL, type NominationReadModel } from '../../nominations/nomination-read-model.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { OBJECTION_FILINGS, type ObjectionFilingsPort } from '../../ports/objection-filings.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';

/**
 * 公示: the awarding body publishes its shortlist from today. The board names the shortlisted
 * nominations; each one's stream is read for its status and version (what the decider checks
 * and the notice records, held to the append); the calendar of this year and the next gives the
 * working days.
 */
@Injectable()
export class PublishNoticeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(WORK_CALENDAR) private readonly calendar: WorkCalendarPort,
    @Inject(NOMINATION_READ_MODEL) private readonly board: NominationReadModel,
    @Inject(OBJECTION_FILINGS) private readonly filings: ObjectionFilingsPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(
    programmeId: string,
    reason: string | undefined,
    ctx: CommandContext,
  ): Promise<{ version: number; round: number; endsOn: string }> {
    const by = decidedBy(ctx, AWARDING_ROLES);
    const programme = await this.facts.programme(programmeId);
    // A new round changes which nominations objections are taken on, and until when: never beside a
    // decision reading the last one, nor listing one decided since its shortlist was read (ADR 0113).
    const { events, next } = await this.filings.during(programmeId, this.clock.now(), async (locked) => {
      const entries: NoticeCandidate[] = [];
      for (const id of await this.board.shortlisted(programmeId)) {
        const { state, version } = await this.facts.nomination(id);
        entries.push({
          nominationId: id,
          version,
          status: state.status,
          programmeId: state.programmeId!,
          category: state.category!,
          name: state.nominee!.name,
          orgName: state.nominee!.orgName,
          deedsSummary: state.deeds!.summary,
        });
      }
      const today = this.clock.today();
      const year = Number(today.slice(0, 4));
      const { adjustments, inputs: calendarInputs } = await this.calendar.snapshot(...noticeYears(year));
      const stream = noticeStreamId(programmeId);
      const { state, version } = await this.streams.load(stream, noticeDecider);
      const events = noticeDecider.decide(
        {
          type: 'PublishNotice',
          data: {
            programme: programme.facts,
            entries,
            calendar: adjustments,
            calendarInputs,
            today,
            decidedBy: by,
            ...(reason ? { reason } : {}),
          },
        },
        state,
      );
      // The nominations listed and the programme stay as read until the notice commits: an uphold
      // withdrawing one meanwhile fails this publication (409) rather than leave it on the notice.
      const [next] = await locked.appendAll(
        [{ streamId: stream, events, expectedVersion: version, context: streamContext(ctx, programme.facts.orgId) }],
        [
          { streamId: programme.facts.streamId, version: programme.facts.version },
          ...entries.map((e) => ({ streamId: nominationStreamId(e.nominationId), version: e.version })),
        ],
      );
      return { events, next: next! };
    });
    const published = events[0]!.data;
    return { version: next, round: published.round, endsOn: published.endsOn };
  }
}

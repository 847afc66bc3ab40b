import type { AwardCategory } from '@vanguard/contracts';
import type { CalendarAdjustments } from '../calendar/working-day-calendar';
import type { DecidedBy, StreamRead } from '../decided-by';
import type { NominationStatus } from '../nomination/nomination.state';
import type { ProgrammeFacts } from '../programme/programme.facts';

/** A nomination the handler read for the notice: its stream version and status, and what a notice shows of it. */
export interface NoticeCandidate {
  readonly nominationId: string;
  readonly version: number;
  readonly status: NominationStatus;
  readonly programmeId: string;
  readonly category: AwardCategory;
  readonly name: string;
  readonly orgName: string;
  readonly deedsSummary: string;
}

/**
 * Publishes the shortlist from `today` for the programme's notice period. `calendar`: the
 * operator's holidays and make-up working days (at least those of the coming weeks); the ones
 * inside the period are recorded so the end date replays.
 */
export interface PublishNotice {
  readonly type: 'PublishNotice';
  readonly data: {
    readonly programme: ProgrammeFacts;
    readonly entries: readonly NoticeCandidate[];
    readonly calendar: CalendarAdjustments;
    /** Where the calendar was read, e.g. `calendar-<year>` at its version (optional, recorded as inputs). */
    readonly calendarInputs?: readonly StreamRead[];
    readonly today: string;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

export type NoticeCommand = PublishNotice;

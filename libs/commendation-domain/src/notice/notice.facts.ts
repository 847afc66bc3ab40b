import type { NoticeFacts } from '../nomination/nomination.commands';
import { noticeStreamId, type NoticeState } from './notice.state';

/** What a decision on one nomination reads of the programme's notice (see `DecideCommendation`). */
export function noticeFactsFor(state: NoticeState, programmeId: string, nominationId: string): NoticeFacts {
  return {
    streamId: noticeStreamId(programmeId),
    version: state.version,
    round: state.round,
    endsOn: state.endsOn ?? '',
    listed: state.entries.some((e) => e.nominationId === nominationId),
  };
}

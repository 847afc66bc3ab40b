import type { ObjectionOutcomeFacts } from '../nomination/nomination.commands';
import type { NoticeForObjection } from './objection.commands';
import { noticeStreamId, type NoticeState } from '../notice/notice.state';
import { isOpenObjection, objectionStreamId, type ObjectionState } from './objection.state';

/** The notice as `FileObjection` reads it; null before the first round (the handler answers 404). */
export function noticeForObjection(state: NoticeState): NoticeForObjection | null {
  if (state.round < 1) return null;
  return {
    streamId: noticeStreamId(state.programmeId!),
    version: state.version,
    programmeId: state.programmeId!,
    awardingOrgId: state.awardingOrgId!,
    round: state.round,
    startsOn: state.startsOn!,
    endsOn: state.endsOn!,
    listed: state.entries.map((e) => e.nominationId),
  };
}

/** The concluded objection as `WithdrawNomination` reads it. */
export function objectionOutcome(state: ObjectionState): ObjectionOutcomeFacts {
  return {
    objectionId: state.objectionId!,
    streamId: objectionStreamId(state.objectionId!),
    version: state.version,
    nominationId: state.nominationId!,
    upheld: state.status === 'upheld',
    findings: state.findings ?? '',
  };
}

/**
 * Whether an objection, as read, keeps the commendation of `nominationId` from being decided:
 * still open, or upheld against it (its withdrawal follows). The board's `openObjections` query
 * asks the same of the projection; a replay asks it of the objection's stream.
 */
export const objectionBlocks = (state: ObjectionState, nominationId: string): boolean =>
  isOpenObjection(state.status) || (state.status === 'upheld' && state.nominationId === nominationId);

import type { ContractData, PublicNoticePublished } from '@vanguard/contracts';
import type { NoticeEvent } from './notice.events';

export type NoticeEntry = ContractData<typeof PublicNoticePublished>['entries'][number];

export interface NoticeState {
  readonly version: number;
  readonly programmeId: string | null;
  readonly awardingOrgId: string | null;
  /** 0 before the first publication. */
  readonly round: number;
  readonly startsOn: string | null;
  readonly endsOn: string | null;
  readonly entries: readonly NoticeEntry[];
}

export const initialState = (): NoticeState => ({
  version: 0,
  programmeId: null,
  awardingOrgId: null,
  round: 0,
  startsOn: null,
  endsOn: null,
  entries: [],
});

export function evolve(state: NoticeState, event: NoticeEvent): NoticeState {
  const d = event.data;
  return {
    version: state.version + 1,
    programmeId: d.programmeId,
    awardingOrgId: d.awardingOrgId,
    round: d.round,
    startsOn: d.startsOn,
    endsOn: d.endsOn,
    entries: d.entries,
  };
}

export const noticeStreamId = (programmeId: string): string => `public-notice-${programmeId}`;

/** Objections are taken on every day of the latest round's period. */
export const noticeIsRunning = (state: NoticeState, today: string): boolean =>
  state.round > 0 && today >= state.startsOn! && today <= state.endsOn!;

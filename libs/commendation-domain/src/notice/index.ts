export * from './notice.commands';
export * from './notice.events';
export * from './notice.rules';
export * from './notice.facts';
export {
  initialState as initialNoticeState,
  evolve as evolveNotice,
  noticeStreamId,
  noticeIsRunning,
  type NoticeState,
  type NoticeEntry,
} from './notice.state';
export { noticeDecider } from './notice.decide';

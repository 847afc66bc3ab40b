export * from './commendation-replayers';
export * from './replay-commendation-decision';
export { nominatorPathFromRecord, type CommendationReplayContext } from './replay-reads';

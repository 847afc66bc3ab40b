import type {
  ContractData,
  InspectionFindingsRecorded,
  LeaderCommentMade,
  MassEvaluationFindingsRecorded,
  MonthlyReviewFindingsRecorded,
  RectificationCompleted,
  RectificationOverdue,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type LeaderCommentMadeEvent = DomainEvent<typeof LeaderCommentMade.type, ContractData<typeof LeaderCommentMade>>;
export type RectificationCompletedEvent = DomainEvent<typeof RectificationCompleted.type, ContractData<typeof RectificationCompleted>>;
export type RectificationOverdueEvent = DomainEvent<typeof RectificationOverdue.type, ContractData<typeof RectificationOverdue>>;
/** Problems raised in a mass evaluation, opening a findings stream of their own (`comment-<windowId>`). */
export type MassEvaluationFindingsRecordedEvent = DomainEvent<
  typeof MassEvaluationFindingsRecorded.type,
  ContractData<typeof MassEvaluationFindingsRecorded>
>;

/** Problems an inspection found at one unit, opening a findings stream of their own (ADR 0038). */
export type InspectionFindingsRecordedEvent = DomainEvent<
  typeof InspectionFindingsRecorded.type,
  ContractData<typeof InspectionFindingsRecorded>
>;

/** Problems a monthly review round found at one of its units, opening a findings stream of their own (ADR 0047). */
export type MonthlyReviewFindingsRecordedEvent = DomainEvent<
  typeof MonthlyReviewFindingsRecorded.type,
  ContractData<typeof MonthlyReviewFindingsRecorded>
>;

/**
 * A comment stream holds findings and their rectifications; a leader's comment or a mass
 * evaluation's problems open it, and both are completed and marked overdue by the same events.
 */
export type CommentEvent =
  | LeaderCommentMadeEvent
  | MassEvaluationFindingsRecordedEvent
  | InspectionFindingsRecordedEvent
  | MonthlyReviewFindingsRecordedEvent
  | RectificationCompletedEvent
  | RectificationOverdueEvent;

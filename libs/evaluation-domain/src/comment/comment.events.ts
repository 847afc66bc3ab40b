import type { ContractData, LeaderCommentMade, RectificationCompleted, RectificationOverdue } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type LeaderCommentMadeEvent = DomainEvent<typeof LeaderCommentMade.type, ContractData<typeof LeaderCommentMade>>;
export type RectificationCompletedEvent = DomainEvent<typeof RectificationCompleted.type, ContractData<typeof RectificationCompleted>>;
export type RectificationOverdueEvent = DomainEvent<typeof RectificationOverdue.type, ContractData<typeof RectificationOverdue>>;

export type CommentEvent = LeaderCommentMadeEvent | RectificationCompletedEvent | RectificationOverdueEvent;

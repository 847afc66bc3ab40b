import type { ContractData, PublicNoticePublished } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type PublicNoticePublishedEvent = DomainEvent<typeof PublicNoticePublished.type, ContractData<typeof PublicNoticePublished>>;
export type NoticeEvent = PublicNoticePublishedEvent;

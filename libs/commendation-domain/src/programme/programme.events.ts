import type { AwardProgrammeLaunched, ContractData, QuotaAllocated } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type AwardProgrammeLaunchedEvent = DomainEvent<typeof AwardProgrammeLaunched.type, ContractData<typeof AwardProgrammeLaunched>>;
export type QuotaAllocatedEvent = DomainEvent<typeof QuotaAllocated.type, ContractData<typeof QuotaAllocated>>;

export type ProgrammeEvent = AwardProgrammeLaunchedEvent | QuotaAllocatedEvent;

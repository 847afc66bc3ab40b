import type { ContractData, InspectionLaunched } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type InspectionLaunchedEvent = DomainEvent<typeof InspectionLaunched.type, ContractData<typeof InspectionLaunched>>;
/** An inspection stream holds its launch; what it finds goes on findings streams of the comment category. */
export type InspectionEvent = InspectionLaunchedEvent;

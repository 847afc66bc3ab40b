import type { AnyEventContract, ContractData } from '@vanguard/contracts';

/**
 * A domain event typed by its public contract (the contract's data is primitive-only and has
 * no personal data, so the domain can speak it directly): `stream` + `aggregateId` give the
 * stream id, `orgId` the village the event is scoped to.
 */
export interface DomainEvent<C extends AnyEventContract = AnyEventContract> {
  readonly contract: C;
  readonly aggregateId: string;
  readonly orgId: string;
  readonly data: ContractData<C>;
}

export function domainEvent<C extends AnyEventContract>(
  contract: C,
  aggregateId: string,
  orgId: string,
  data: ContractData<C>,
): DomainEvent {
  return { contract, aggregateId, orgId, data };
}

import type { ContractData, PlaceGranted, PlacesReleased } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type PlaceGrantedEvent = DomainEvent<typeof PlaceGranted.type, ContractData<typeof PlaceGranted>>;
export type PlacesReleasedEvent = DomainEvent<typeof PlacesReleased.type, ContractData<typeof PlacesReleased>>;

export type PlacesEvent = PlaceGrantedEvent | PlacesReleasedEvent;

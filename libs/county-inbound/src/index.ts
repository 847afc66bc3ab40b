export * from './county-inbound.port';
export * from './county-inbound.schema';
export * from './county-inbound.store';
export * from './county-inbound.consumer';
export * from './county-topics';
export * from './county-retention';
export { bearerToken, AUTHORIZATION_HEADER, type CountyPrincipal } from './gate/sender';
export { payloadSha256, orgIdsIn } from './gate/payload';
export * from './county-member-links';

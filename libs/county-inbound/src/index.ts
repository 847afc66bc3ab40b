export * from './county-inbound.port';

export * from './database';
export * from './kafka';
export * from './keycloak';
export * from './wait';
export * from './net-proxy';
export * from './county-systems';
export * from './random';
export * from './network-fault';

// The organization relay signs through the relay wrapper every producing context uses (ADR 0010, ADR 0059).
export { signingRelaySource } from '@vanguard/messaging';

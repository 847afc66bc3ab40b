import { z } from 'zod';

/**
 * Every `COUNTY.*` code the county gate and the owners' county handlers answer a refusal with,
 * and what it tells the county. The one list: the reply contract's schema enumerates it, the
 * docs are generated from it, and a unit test checks that every `COUNTY.*` code in the sources is
 * here. An owner's own refusal (a broken rule `<rule id>@<version>`, or an error code such as
 * `PLEDGE.NOT_FOUND`) is not listed: the owner's README names those.
 */
export const COUNTY_REFUSAL_CODES = {
  'COUNTY.INVALID':
    'the message does not match its contract (the reason lists the fields and why), or its type is not one a county sends on the inbound topic',
  'COUNTY.UNAUTHENTICATED': 'no valid proof of the sender (token missing, expired or not from a county client)',
  'COUNTY.SENDER_MISMATCH': 'the message claims another sender than its proof',
  'COUNTY.OUT_OF_SCOPE': 'the message touches an organisation or member outside the sender’s county',
  'COUNTY.STALE': 'the sequence is not newer than the last one applied for the subject',
  'COUNTY.MESSAGE_ID_REUSED': 'the message id was used before for another payload of the same owning service',
  'COUNTY.UNSUPPORTED': 'the owning service does not apply this county message type yet',
  'COUNTY.HANDLER_FAILED': 'the owner failed to apply it after retries; sending it again under a new id may succeed',
  'COUNTY.MEMBER_UNKNOWN': 'the county member id is not linked to a platform member: sync the roster first',
  'COUNTY.MEMBER_TAKEN_OVER': 'the county’s id for the member was superseded when another county took him over: remove him',
  'COUNTY.MEMBER_ALREADY_LINKED': 'the county already names this platform member under another id of its own',
  'COUNTY.PLEDGER_MISMATCH': 'the pledge was made by another pledger or organisation than the message names',
} as const;

export type CountyRefusalCode = keyof typeof COUNTY_REFUSAL_CODES;

export const countyRefusalCodes = Object.keys(COUNTY_REFUSAL_CODES) as [CountyRefusalCode, ...CountyRefusalCode[]];

/** The list as a schema, each code with its meaning, for the reply contract. */
export const countyRefusalCodeSchema = z
  .enum(countyRefusalCodes)
  .describe(`a refusal by the county gate or handlers: ${countyRefusalCodes.map((c) => `${c}: ${COUNTY_REFUSAL_CODES[c]}`).join('; ')}`);

import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import { COUNTY_REPLY_TOPIC_PATTERN } from '../topics';
import { countyRefusalCodeSchema } from './refusal-codes';

// What the platform answers a county system about each of its inbound messages, on the
// county's own reply topic (countyReplyTopic(clientId)). Written by the owning service's
// outbox in the transaction that applied (or refused) the message; at least once, so a
// county keys replies by messageId.

/**
 * A county's own decision feed (ADR 0062): the platform copies every decision event of the
 * evaluation and commendation contexts about an organisation inside the county, byte for byte
 * (its producer's signature intact), onto this topic; the county reads it instead of the
 * contexts' events topics, which carry every county's members by name. Key: the event's stream.
 */
export function countyDecisionTopic(clientId: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(clientId)) throw new Error(`invalid county client id: ${clientId}`);
  return `vanguard.county.decisions.${clientId}.v1`;
}

const outcomeSchema = z.enum(['applied', 'refused', 'duplicate']);

export const CountyMessageOutcome = defineContract({
  context: 'county',
  name: 'MessageOutcome',
  version: 1,
  stream: 'county-message',
  topic: COUNTY_REPLY_TOPIC_PATTERN,
  description:
    'What happened to one inbound county message: applied, refused with a code and a reason (never applied), or duplicate ' +
    '(the same message id was seen before with the same payload; originalOutcome says what happened then). Published on ' +
    '`vanguard.county.replies.<clientId>.v1`, the topic of the county that sent it. Key: `county-message-<messageId>`.',
  schema: z.object({
    messageId: z.string().min(1).max(200).describe('the county’s message id (the inbound envelope’s eventId)'),
    messageType: z.string().min(1).max(200).describe('the inbound type, e.g. county.RosterMemberSynced; `unknown` when undecodable'),
    subject: z.string().max(300).nullable().describe('the inbound Kafka key (the contract’s streamId); null when there was none'),
    service: z
      .string()
      .min(1)
      .max(100)
      .describe('the service that owns the message type and answered (organization, evaluation, assistance)'),
    outcome: outcomeSchema,
    code: z
      .union([
        countyRefusalCodeSchema,
        z
          .string()
          .min(1)
          .max(100)
          .describe('an owner’s refusal: a broken rule `<rule id>@<version>` or an owner’s error code, e.g. PLEDGE.NOT_FOUND'),
      ])
      .optional()
      .describe('on a refusal: one of the COUNTY.* codes listed, or an owner’s code'),
    reason: z.string().min(1).max(4000).optional().describe('on a refusal: why, in words; for COUNTY.INVALID the fields and reasons'),
    originalOutcome: z
      .enum(['applied', 'refused'])
      .optional()
      .describe('on a duplicate: what happened to the message the first time (with code and reason if it was refused)'),
    result: z.record(z.string(), z.string()).optional().describe('on applied: ids the owner assigned, e.g. memberId'),
  }),
});

export const countyReplyContracts = [CountyMessageOutcome] as const;

export type CountyMessageOutcomeEvent = ContractEvent<typeof CountyMessageOutcome>;

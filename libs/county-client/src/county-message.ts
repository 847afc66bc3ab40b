import { COUNTY_INBOUND_TOPIC, countyContracts, type AnyEventContract, type EventEnvelope } from '@vanguard/contracts';
import { toKafkaMessage } from '@vanguard/messaging/kafka';
import type { Message } from 'kafkajs';

/** Who the county system is, as its own token says (client id, service-account subject, county organisation). */
export interface CountyIdentity {
  readonly clientId: string;
  readonly sub: string;
  readonly countyOrgId: string;
}

export type CountyMessageType = (typeof countyContracts)[number]['type'];

export function countyContract(type: string): AnyEventContract {
  const contract = countyContracts.find((c) => c.type === type);
  if (!contract) throw new Error(`not a county message type: ${type}`);
  return contract;
}

/**
 * The contract key of a county message as written, e.g. `roster-member-<memberId>`. The gate reads
 * its ids in either case as one subject, and so does the numbering (county-state.ts).
 */
export function subjectOf(type: string, data: Record<string, unknown>): string {
  const contract = countyContract(type);
  // The contract's own binding (libs/contracts), which the gate checks: data as parsed, so read unparsed defensively.
  const id: unknown = contract.subject?.of(data);
  if (typeof id !== 'string' || id.length === 0) throw new Error(`${type}: no subject id in the data`);
  return `${contract.stream}-${id}`;
}

export class InvalidCountyData extends Error {
  constructor(
    readonly type: string,
    readonly issues: readonly string[],
  ) {
    super(`${type} 数据不合规: ${issues.join('; ')}`);
  }
}

export interface BuildCountyMessage {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly identity: CountyIdentity;
  /** The county's id for this message: chosen once, kept on every resend. */
  readonly messageId: string;
  /** The county's own order for this subject (1, 2, 3 …). */
  readonly sequence: number;
  readonly at: Date;
  readonly correlationId?: string;
  /** Default true: refuse to build what the contract would refuse. Off only to test the platform's refusals. */
  readonly validate?: boolean;
}

/** The EventEnvelope of one inbound county message (COUNTY.md, "Wire format"). Pure. */
export function buildCountyMessage(m: BuildCountyMessage): EventEnvelope<Record<string, unknown>> {
  const contract = countyContract(m.type);
  let data = m.data;
  if (m.validate !== false) {
    const parsed = contract.schema.safeParse(m.data);
    if (!parsed.success)
      throw new InvalidCountyData(
        m.type,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`),
      );
    data = parsed.data as Record<string, unknown>;
  }
  if (!Number.isInteger(m.sequence) || m.sequence < 1) throw new Error(`sequence must be a positive integer: ${m.sequence}`);
  const at = m.at.toISOString();
  return {
    eventId: m.messageId,
    type: contract.type,
    version: contract.version,
    streamId: subjectOf(m.type, m.data),
    streamVersion: m.sequence,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: m.identity.sub, roles: ['county_system'], orgId: m.identity.countyOrgId, kind: 'service' },
    orgId: m.identity.countyOrgId,
    correlationId: m.correlationId ?? m.messageId,
    causationId: null,
    data,
    metadata: { countyClientId: m.identity.clientId },
  };
}

/** The Kafka record: key = streamId, the envelope as JSON, envelope headers and the sender's bearer token. */
export function countyKafkaMessage(envelope: EventEnvelope, accessToken: string): Message {
  const m = toKafkaMessage(envelope);
  return { ...m, headers: { ...(m.headers as Record<string, string>), authorization: `Bearer ${accessToken}` } };
}

export { COUNTY_INBOUND_TOPIC };

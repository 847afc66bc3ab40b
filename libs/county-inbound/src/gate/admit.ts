import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import type { CountyBatchHandler, CountyMessage, CountyMessageOwner, CountyScope } from '../county-inbound.port';
import type { Checked, DeadLetter, Decision } from '../county-batch';
import { senderMismatch } from './sender';
import { orgIdsIn } from './payload';

/** The owner's rules a new message must pass before its handler sees it. */
export interface Admission<TTx> {
  readonly owner: CountyMessageOwner;
  readonly contracts: ContractRegistry;
  readonly scope: CountyScope;
  readonly handlers: Readonly<Record<string, CountyBatchHandler<TTx>>>;
}

/** Steps 2 (actor), 3 (contract) and 4 (scope) for a message never seen before; sets the refusal or returns it for the handler. */
export async function admit<TTx>(
  c: Extract<Checked, { kind: 'candidate' }>,
  d: Decision,
  letters: DeadLetter[],
  rules: Admission<TTx>,
): Promise<CountyMessage | undefined> {
  const mismatch = senderMismatch(c.raw, c.sender);
  if (mismatch) {
    d.outcome = { outcome: 'refused', code: 'COUNTY.SENDER_MISMATCH', reason: mismatch };
    return undefined;
  }
  const valid = rules.contracts.validate(c.raw);
  if (!valid.ok) {
    letters.push({ m: c.m, reason: valid.reason, error: valid.message });
    d.outcome = { outcome: 'refused', code: 'COUNTY.INVALID', reason: valid.message };
    return undefined;
  }
  const event: EventEnvelope = valid.envelope;
  // Order is kept per subject, and the subject is the Kafka key: a key other than the streamId
  // (a county changing its key format) would give one subject two orders, and no key at all lets
  // the producer spread one subject over the partitions (a probe's later message was then stale).
  const unkeyed = c.m.key === null || c.m.key === undefined;
  if (unkeyed || c.to.subject !== event.streamId) {
    const reason = unkeyed
      ? `消息须以 streamId 为 Kafka 键 / the message has no Kafka key: it must be the envelope's streamId ${JSON.stringify(event.streamId)}`
      : `Kafka 键须为 streamId / the Kafka key ${JSON.stringify(c.to.subject)} must be the envelope's streamId ${JSON.stringify(event.streamId)}`;
    d.outcome = { outcome: 'refused', code: 'COUNTY.INVALID', reason };
    return undefined;
  }
  d.sequence = event.streamVersion;
  for (const orgId of orgIdsIn(event.data)) {
    if (!(await rules.scope(c.sender.countyOrgId, orgId))) {
      d.outcome = {
        outcome: 'refused',
        code: 'COUNTY.OUT_OF_SCOPE',
        reason: `组织 ${orgId} 不在发送方旗县范围内 / organisation ${orgId} is not inside the sender’s county`,
      };
      return undefined;
    }
  }
  if (!rules.handlers[event.type]) {
    d.outcome = {
      outcome: 'refused',
      code: 'COUNTY.UNSUPPORTED',
      reason: `${rules.owner} 尚不处理 ${event.type} / ${rules.owner} does not apply ${event.type} yet`,
    };
    return undefined;
  }
  return {
    messageId: c.to.messageId,
    subject: event.streamId,
    sequence: event.streamVersion,
    sender: c.sender,
    event,
    receivedAt: new Date(Number(c.m.timestamp)),
  };
}

import type { CountyBatchHandler, CountyMessage, CountyMessageOwner, CountySender } from './county-inbound.port';
import { decisionKey, type NewDecision } from './county-ledger';
import type { ReplyOutcome, ReplyTo } from './gate/reply';
import type { KafkaMessage } from 'kafkajs';
import type { DeadLetterReason } from '@vanguard/messaging';

/** One inbound message after the checks that need no database. */
export type Checked =
  // No proven sender or no message id: answered, never recorded. `unlessDecided`: a token that
  // expired (its signature held) is answered only under an id the ledger has not decided.
  | { kind: 'reply'; to: ReplyTo; outcome: ReplyOutcome; unlessDecided?: KafkaMessage }
  | { kind: 'candidate'; m: KafkaMessage; raw: Record<string, unknown>; sender: CountySender; to: ReplyTo; hash: string };

/** A dead letter the chunk owes; `unanswered`: the type of a message that gets no reply (counted when sent). */
export interface DeadLetter {
  readonly m: KafkaMessage;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly unanswered?: string;
}

/** A decision made in the batch; `outcome` is filled once the handler ran. */
export interface Decision {
  to: ReplyTo;
  clientId: string;
  hash: string;
  sequence: number | null;
  outcome?: { outcome: 'applied'; result?: Readonly<Record<string, string>> } | { outcome: 'refused'; code: string; reason: string };
}

/**
 * Steps 5 (order) and 6: runs of one type go to its handler together; a message whose subject
 * already has one waiting in the run starts a new run, so each is judged against what the
 * earlier one did. `last`: the subjects' last applied sequences as read (CountyLedger.read), moved
 * forward here as messages apply. Returns the subjects' new last sequences.
 */
export async function runInOrder<TTx>(
  handlers: Readonly<Record<string, CountyBatchHandler<TTx>>>,
  last: Map<string, number>,
  tx: TTx,
  runnable: readonly { decision: Decision; message: CountyMessage }[],
  failure?: string,
): Promise<Map<string, { clientId: string; subject: string; sequence: number }>> {
  const advanced = new Map<string, { clientId: string; subject: string; sequence: number }>();
  let run: { decision: Decision; message: CountyMessage }[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const type = run[0]!.message.event.type;
    if (failure !== undefined) {
      for (const r of run) r.decision.outcome = { outcome: 'refused', code: 'COUNTY.HANDLER_FAILED', reason: failure };
      run = [];
      return;
    }
    const outcomes = await handlers[type]!(
      run.map((r) => r.message),
      tx,
    );
    if (outcomes.length !== run.length)
      throw new Error(`the ${type} handler answered ${outcomes.length} outcomes for ${run.length} messages`);
    run.forEach((r, i) => {
      const o = outcomes[i]!;
      r.decision.outcome = o;
      if (o.outcome !== 'applied') return;
      const key = decisionKey(r.message.sender.clientId, r.message.subject);
      last.set(key, r.message.sequence);
      advanced.set(key, { clientId: r.message.sender.clientId, subject: r.message.subject, sequence: r.message.sequence });
    });
    run = [];
  };
  let waiting = new Set<string>();
  for (const r of runnable) {
    const key = decisionKey(r.message.sender.clientId, r.message.subject);
    if ((run.length && run[0]!.message.event.type !== r.message.event.type) || waiting.has(key)) {
      await flush();
      waiting = new Set();
    }
    const applied = last.get(key);
    if (applied !== undefined && r.message.sequence <= applied) {
      r.decision.outcome = {
        outcome: 'refused',
        code: 'COUNTY.STALE',
        reason: `序号不新于已处理的 ${applied} / sequence ${r.message.sequence} of ${r.message.subject} is not newer than ${applied}, already applied`,
      };
      continue;
    }
    run.push(r);
    waiting.add(key);
  }
  await flush();
  return advanced;
}

/**
 * The reason of COUNTY.HANDLER_FAILED, as the county reads it on its reply topic (and in every
 * later `duplicate` of it): a fixed text and the incident id under which the gate logged the
 * error and dead-lettered the message. Never the error's own text, which names the owner's
 * tables, SQL or other internals.
 */
export function handlerFailedReason(owner: CountyMessageOwner, incident: string): string {
  return (
    `${owner} 服务未能处理此消息（内部错误，事件编号 ${incident}）；请以新的消息编号重发，或将事件编号告知平台运维 / ` +
    `the ${owner} service could not apply this message (an internal error, incident ${incident}); ` +
    `send it again under a new message id, or give the platform's operators the incident id`
  );
}

export function duplicateOf(
  original: Decision | { outcome: 'applied' | 'refused'; code: string | null; reason: string | null },
): ReplyOutcome {
  const o = 'to' in original ? original.outcome! : original;
  return {
    outcome: 'duplicate',
    originalOutcome: o.outcome,
    ...(o.outcome === 'refused' ? { code: o.code, reason: o.reason } : {}),
  };
}

export function toNewDecision(d: Decision): NewDecision {
  const o = d.outcome!;
  return {
    clientId: d.clientId,
    messageId: d.to.messageId,
    messageType: d.to.messageType,
    subject: d.to.subject,
    sequence: d.sequence,
    payloadSha256: d.hash,
    outcome: o.outcome,
    code: o.outcome === 'refused' ? o.code : null,
    reason: o.outcome === 'refused' ? o.reason : null,
  };
}

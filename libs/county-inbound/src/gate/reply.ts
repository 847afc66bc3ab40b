import { randomUUID } from 'node:crypto';
import { CountyMessageOutcome, toStorableText, type CountyMessageOutcomeEvent } from '@vanguard/contracts';
import type { CountyMessageOwner } from '../county-inbound.port';

export type ReplyOutcome =
  | { readonly outcome: 'applied'; readonly result?: Readonly<Record<string, string>> }
  | { readonly outcome: 'refused'; readonly code: string; readonly reason: string }
  | {
      readonly outcome: 'duplicate';
      readonly originalOutcome: 'applied' | 'refused';
      readonly code?: string | null;
      readonly reason?: string | null;
    };

export interface ReplyTo {
  readonly clientId: string;
  readonly countyOrgId: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly subject: string | null;
}

/** At most `n` UTF-16 units, never half a character, and storable whatever the message held. */
export function clip(s: string, n: number): string {
  let text = s;
  if (text.length > n) {
    const cut = /[\ud800-\udbff]/.test(text.charAt(n - 2)) ? n - 2 : n - 1;
    text = `${text.slice(0, cut)}…`;
  }
  // Postgres's jsonb refuses NUL and half pairs: a reply holding them would never be stored.
  return toStorableText(text);
}

/** The county.MessageOutcome envelope answering one inbound message. */
export function replyEnvelope(owner: CountyMessageOwner, to: ReplyTo, outcome: ReplyOutcome, now: Date): CountyMessageOutcomeEvent {
  const at = now.toISOString();
  const messageId = clip(to.messageId, 200);
  const data: CountyMessageOutcomeEvent['data'] = {
    messageId,
    messageType: clip(to.messageType, 200),
    subject: to.subject === null ? null : clip(to.subject, 300),
    service: owner,
    outcome: outcome.outcome,
    ...(outcome.outcome === 'refused' ? { code: outcome.code, reason: clip(outcome.reason, 4000) } : {}),
    ...(outcome.outcome === 'applied' && outcome.result ? { result: { ...outcome.result } } : {}),
    ...(outcome.outcome === 'duplicate'
      ? {
          originalOutcome: outcome.originalOutcome,
          ...(outcome.code ? { code: outcome.code } : {}),
          ...(outcome.reason ? { reason: clip(outcome.reason, 4000) } : {}),
        }
      : {}),
  };
  return {
    eventId: randomUUID(),
    type: CountyMessageOutcome.type,
    version: CountyMessageOutcome.version,
    streamId: `${CountyMessageOutcome.stream}-${messageId}`,
    streamVersion: 1,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: `vanguard-${owner}`, roles: [], kind: 'service' },
    orgId: to.countyOrgId,
    correlationId: messageId,
    causationId: messageId,
    data,
  };
}

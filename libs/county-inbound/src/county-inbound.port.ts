import { DAY_YEARS, isCalendarDay, personalNumbersPublishedIn, type EventEnvelope } from '@vanguard/contracts';

/**
 * The county system that sent a message, as its token proved it (never as the message
 * claims): the Keycloak confidential client (`azp`), its service account and the county
 * organisation in its `org_id` claim. A message may only touch that organisation's subtree.
 */
export interface CountySender {
  readonly clientId: string;
  readonly sub: string;
  readonly countyOrgId: string;
}

/** Which service owns (applies, refuses and answers) a county message type. */
export type CountyMessageOwner = 'organization' | 'evaluation' | 'assistance';

/**
 * One inbound county message that passed the gate: its sender is proven, its envelope and
 * data parsed by the contract, it was never applied before (by county and message id) and it is
 * not older than what was applied for its subject. `messageId` is the envelope's `eventId`,
 * chosen by the county; `subject` is the Kafka key (the contract's stream, e.g.
 * `roster-member-<memberId>`); `sequence` is the envelope's `streamVersion`, the county's own
 * order for that subject.
 */
export interface CountyMessage<E extends EventEnvelope = EventEnvelope> {
  readonly messageId: string;
  readonly subject: string;
  readonly sequence: number;
  readonly sender: CountySender;
  readonly event: E;
  /** When the broker appended it (the topic's LogAppendTime), the moment its token was checked at. */
  readonly receivedAt: Date;
}

/** What the owning service did with a message; published on the county's reply topic. */
export type CountyOutcome =
  | { readonly outcome: 'applied'; readonly result?: Readonly<Record<string, string>> }
  | { readonly outcome: 'refused'; readonly code: string; readonly reason: string };

export const applied = (result?: Record<string, string>): CountyOutcome => ({ outcome: 'applied', ...(result ? { result } : {}) });
export const refused = (code: string, reason: string): CountyOutcome => ({ outcome: 'refused', code, reason });

/**
 * The first of a message's days that no calendar has or Postgres cannot store, as a refusal
 * (`DAY.INVALID` naming the field), for every owning service's translation. The county contracts
 * refuse a month or day no calendar has (`2026-02-30` is COUNTY.INVALID), but not year 0000, which
 * Postgres cannot store: such a day failed the write, and with it the whole batch, or every read
 * model that cast it.
 */
export function dayRefusal(days: Readonly<Record<string, string>>): CountyOutcome | undefined {
  const bad = Object.entries(days).find(([, day]) => !isCalendarDay(day));
  if (!bad) return undefined;
  const [field, day] = bad;
  return refused(
    'DAY.INVALID',
    `${field} 须为存在的日期（${DAY_YEARS.first}–${DAY_YEARS.last} 年）/ ${field} must be a calendar day YYYY-MM-DD (years ${DAY_YEARS.first}–${DAY_YEARS.last}): ${day}`,
  );
}

/**
 * The first of a message's opaque references (a household's, 联系户) that carries a phone or
 * ID-card number, as a refusal (`COUNTY.INVALID` naming the field and the kind, never the
 * number). The contract's pattern refuses only the bare 11- and 18-character forms; a number
 * with hyphens, dots, numerals or invisible characters, a country code, a landline or an old
 * 15-digit card passed it, and a reference
 * the owner does not resolve is kept, or named in a refusal, as sent: in clear.
 */
export function personalNumberRefusal(refs: Readonly<Record<string, string>>): CountyOutcome | undefined {
  for (const [field, ref] of Object.entries(refs)) {
    const kind = personalNumbersPublishedIn(ref)[0];
    if (!kind) continue;
    const [zh, en] = kind === 'phone' ? ['电话号码', 'a phone number'] : ['身份证号码', 'an ID-card number'];
    return refused(
      'COUNTY.INVALID',
      `${field} 须为县系统的不透明编号，不得含${zh} / ${field} must be the county's opaque reference, not ${en}`,
    );
  }
  return undefined;
}

/**
 * Translates a batch of one message type into the owning service's command(s), inside the
 * gate's transaction `tx` (the inbox, outcome rows and replies commit with the effect). One
 * outcome per message, in order. A refusal is an outcome, not an exception: throw only for
 * failures worth a retry (the whole batch then rolls back and is retried, then dead-lettered).
 * Handlers are batch-shaped so a roster of 100,000 members costs a few statements per batch.
 */
export type CountyBatchHandler<TTx, E extends EventEnvelope = EventEnvelope> = (
  messages: readonly CountyMessage<E>[],
  tx: TTx,
) => Promise<readonly CountyOutcome[]>;

/**
 * Is `orgId` inside the subtree of `countyOrgId`? Each service answers from its own copy of the
 * organisation tree (libs/auth OrgTreeRunner / ScopeService).
 */
export type CountyScope = (countyOrgId: string, orgId: string) => Promise<boolean> | boolean;

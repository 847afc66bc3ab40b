import type { KafkaMessage } from 'kafkajs';
import { countyMessageOwner, findUnstorableText, isCountyInboundType, unstorableTextReason } from '@vanguard/contracts';
import { InfrastructureUnavailable, decodeKafkaValue } from '@vanguard/messaging';
import type { CountyMessageOwner, CountySender } from '../county-inbound.port';
import type { Checked, DeadLetter } from '../county-batch';
import { bearerToken, claimedClient, countySenderOf, type CountyPrincipal } from './sender';
import { payloadSha256 } from './payload';
import { canonicalUuids, lowerCaseUuids } from './canonical-uuids';

/**
 * How long after its token expired a message is still answered COUNTY.UNAUTHENTICATED: a county
 * whose token ran out while the message waited in its producer learns why; past this, the
 * message is only dead-lettered.
 */
export const EXPIRED_ANSWERED_MS = 60 * 60 * 1000;

/** What the checks before any database work need to know: whose messages these are and who may send them. */
export interface SenderCheck {
  readonly owner: CountyMessageOwner;
  /** Keycloak client ids of the county systems. */
  readonly known: ReadonlySet<string>;
  readonly tokenVerifier: { verifyAt(token: string, at: Date): Promise<CountyPrincipal> };
}

/**
 * Steps 1–2 for one message, before any database work: undecodable or another owner's
 * (ignored, or dead-lettered by organization), and the sender proven from its token at the
 * broker's timestamp. Returns nothing for a message that gets no reply.
 */
export async function checkMessage(
  m: KafkaMessage,
  partition: number,
  letters: DeadLetter[],
  gate: SenderCheck,
): Promise<Checked | undefined> {
  const decoded = decodeKafkaValue(m);
  const raw = decoded.ok && isRecord(decoded.value) ? decoded.value : undefined;
  const type = typeof raw?.['type'] === 'string' ? raw['type'] : undefined;
  if (countyMessageOwner(type) !== gate.owner) return undefined;
  // Ids are read in either case and used in lower case from here on (ADR 0105): the message id,
  // the key and, once their depth is bounded below, the envelope's. One member sent as <ID> and
  // as <id> was two subjects, two orders, and a second link the owners' maps did not find.
  const canonical = (v: unknown) => (typeof v === 'string' ? lowerCaseUuids(v) : v);
  const eventId = canonical(raw?.['eventId']);
  // An id or key the ledger cannot store (NUL, half a surrogate pair) is not used as one: the message is refused below.
  const storable = (v: unknown): v is string => typeof v === 'string' && unstorableTextReason(v) === undefined;
  const messageId = storable(eventId) && eventId.length > 0 && eventId.length <= 200 ? eventId : undefined;
  const keyText = m.key?.toString('utf8');
  const key = keyText === undefined ? undefined : lowerCaseUuids(keyText);
  const subjectText = key ?? canonical(raw?.['streamId']);
  const subject = storable(subjectText) ? subjectText : null;
  const token = bearerToken(m.headers);
  const proven = await prove(token, m.timestamp, gate);
  // A reply must itself be a valid county.MessageOutcome, whatever the message held: a type
  // the contract would refuse (empty) is answered as `unknown`, never left to fail the outbox.
  const messageType = type !== undefined && type.length > 0 ? type : 'unknown';
  const base = { messageId: messageId ?? `kafka-${partition}-${m.offset}`, messageType, subject };
  if ('refusal' in proven) {
    const claimed = claimedClient(token);
    // Only a token whose signature held (refused for its times alone) proves who sent it; any
    // other refusal names a client the sender merely claims, and answering there would let one
    // county write refusals of its own making onto another county's reply topic. A token long
    // expired proves little more than that it once leaked: whoever holds it is not answered.
    const expiredFor = claimed.expiresAt ? Number(m.timestamp) - claimed.expiresAt.getTime() : Number.POSITIVE_INFINITY;
    // Written so that an unreadable time (NaN) is never within the hour.
    if (
      !proven.signed ||
      !claimed.clientId ||
      !gate.known.has(claimed.clientId) ||
      !claimed.orgId ||
      !(expiredFor <= EXPIRED_ANSWERED_MS)
    ) {
      letters.push({ m, reason: 'unauthenticated', error: proven.refusal, unanswered: base.messageType });
      return undefined;
    }
    letters.push({ m, reason: 'unauthenticated', error: proven.refusal });
    const to = { ...base, clientId: claimed.clientId, countyOrgId: claimed.orgId };
    // Answered under its id only if the ledger has not decided that id: a refusal there would
    // contradict what the county was told of its own message.
    // (An id the ledger could not hold, answered under a placeholder, contradicts nothing.)
    return {
      kind: 'reply',
      to,
      outcome: { outcome: 'refused', code: 'COUNTY.UNAUTHENTICATED', reason: proven.refusal },
      ...(messageId ? { unlessDecided: m } : {}),
    };
  }
  const to = { ...base, clientId: proven.clientId, countyOrgId: proven.countyOrgId };
  if (!raw || !messageId) {
    const reason = decoded.ok ? 'the value is not an envelope with an eventId' : decoded.message;
    letters.push({ m, reason: decoded.ok ? 'malformed-envelope' : 'malformed-json', error: reason });
    return { kind: 'reply', to, outcome: { outcome: 'refused', code: 'COUNTY.INVALID', reason } };
  }
  const unfit = unfitText(raw, key);
  if (unfit) {
    letters.push({ m, reason: 'malformed-envelope', error: unfit });
    return { kind: 'reply', to, outcome: { outcome: 'refused', code: 'COUNTY.INVALID', reason: unfit } };
  }
  // A type no county sends (a platform event, the reply, an unknown county.*) has no owner:
  // organization answers it here, as garbage, and records nothing. Admitted, one valid by its
  // own contract reached the handlers and was answered COUNTY.UNSUPPORTED, "not yet".
  if (type && !isCountyInboundType(type)) {
    const reason = `${type} 不是县级入站消息类型 / ${type} is not a county inbound message type`;
    letters.push({ m, reason: 'unknown-type', error: reason });
    return { kind: 'reply', to, outcome: { outcome: 'refused', code: 'COUNTY.INVALID', reason } };
  }
  // Before the contract, the sender and scope checks, the digest and the handler: an upper-case
  // resend of a message is the same message (`duplicate`), and no owner sees an id in upper case.
  const envelope = canonicalUuids(raw) as Record<string, unknown>;
  return { kind: 'candidate', m, raw: envelope, sender: proven, to, hash: payloadSha256(envelope) };
}

/**
 * Text Postgres cannot store, or nesting deeper than any request of ours (the digest recurses
 * once per level): refused before any database work, the rule the HTTP edge applies (libs/contracts).
 * Let through, it failed the chunk's transaction at every try until the consumer dead-lettered
 * the message unanswered and unrecorded, after splitting and retrying every message beside it.
 */
function unfitText(raw: Record<string, unknown>, key: string | undefined): string | undefined {
  const keyReason = key === undefined ? undefined : unstorableTextReason(key);
  if (keyReason) return `the Kafka key ${keyReason}`;
  const problem = findUnstorableText(raw)[0];
  return problem && `${problem.field}: ${problem.reason}`;
}

async function prove(
  token: string | undefined,
  timestamp: string,
  gate: SenderCheck,
): Promise<CountySender | { refusal: string; signed: boolean }> {
  if (!token) return { refusal: '授权头中没有令牌 / no bearer token in the authorization header', signed: false };
  // LogAppendTime on the inbound topic: the broker's receipt time, which a county cannot choose.
  const at = new Date(Number(timestamp));
  try {
    const sender = countySenderOf(await gate.tokenVerifier.verifyAt(token, at), gate.known);
    return 'refusal' in sender ? { ...sender, signed: false } : sender;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // Keycloak's keys unreachable: nothing is known of the token, so nobody is refused — the
    // chunk waits and is tried again, without end, as for an unreachable database.
    if (code === 'AUTH.KEYS_UNAVAILABLE') throw new InfrastructureUnavailable('Keycloak signing keys unavailable', { cause: e });
    return {
      refusal: `令牌在消息入队时刻无效 / token refused at the broker’s timestamp ${at.toISOString()}: ${typeof code === 'string' ? code : (e as Error).message}`,
      // jose checks the signature before the times: an expired token was signed by Keycloak for that client.
      signed: code === 'AUTH.TOKEN_EXPIRED',
    };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

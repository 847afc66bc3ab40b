import { hash } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { canonicalJson } from './canonical-json';

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The envelope fields the hash covers: everything but the chain itself and the global position. */
export type HashedEnvelope = Omit<EventEnvelope, never>;

/**
 * `hash = sha256(prevHash ‖ canonicalJson(envelope))`, hex. `prevHash` is the previous
 * event's hash as 64 lowercase hex characters (GENESIS_HASH for version 1), concatenated
 * with the RFC 8785 text before UTF-8 encoding.
 */
export function chainHash(prevHash: string, envelope: HashedEnvelope): string {
  return sha256Hex(prevHash + canonicalJson(hashedDocument(envelope)));
}

/**
 * SHA-256 of the text's UTF-8 bytes, hex. The one-shot `hash` gives the same bytes as
 * `createHash().update(text, 'utf8').digest('hex')` at half its cost (1.9 against 3.3 µs for a
 * 640-byte event on Node 20): no Hash object per call, and verification hashes every event.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The exact object that is canonicalised; `metadata` only when present. */
export function hashedDocument(e: HashedEnvelope): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    actor: e.actor,
    causationId: e.causationId,
    correlationId: e.correlationId,
    data: e.data,
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    orgId: e.orgId,
    recordedAt: e.recordedAt,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.type,
    version: e.version,
  };
  if (e.metadata !== undefined) doc['metadata'] = e.metadata;
  return doc;
}

/** The envelope fields every event of one append shares: its context, stream and recording instant. */
export type SharedFields = Pick<HashedEnvelope, 'actor' | 'causationId' | 'correlationId' | 'orgId' | 'recordedAt' | 'streamId'>;
/** The envelope fields of one event of an append. */
export type OwnFields = Pick<HashedEnvelope, 'eventId' | 'type' | 'version' | 'occurredAt' | 'data' | 'metadata'>;

/**
 * The canonical text of an event whose stream version the database assigns: the text is
 * `head + streamVersion + tail`. RFC 8785 sorts keys, and `streamVersion` sorts between
 * `streamId` and `type`, so the split is fixed. The append function concatenates the parts
 * with the version it allocates under the stream lock, hashes the text and stores the
 * fields parsed from that same text, so what is stored is exactly what was hashed.
 */
export function canonicalParts(e: Omit<HashedEnvelope, 'streamVersion'>): { head: string; tail: string } {
  return canonicalPartsFor(e)(e);
}

/**
 * `canonicalParts` for the events of one append: the shared fields are canonicalised once
 * rather than for every event (for appends of 100 events that was about half the client's
 * time per event), and so is the tail of each (type, version).
 */
export function canonicalPartsFor(shared: SharedFields): (e: OwnFields) => { head: string; tail: string } {
  const c = canonicalJson;
  const prefix =
    '{"actor":' + c(shared.actor) + ',"causationId":' + c(shared.causationId) + ',"correlationId":' + c(shared.correlationId) + ',"data":';
  const recordedAt = c(shared.recordedAt);
  const middle = ',"orgId":' + c(shared.orgId) + ',"recordedAt":' + recordedAt + ',"streamId":' + c(shared.streamId) + ',"streamVersion":';
  const tails = new Map<string, string>();
  return (e) => {
    let head = prefix + c(e.data) + ',"eventId":' + c(e.eventId);
    if (e.metadata !== undefined) head += ',"metadata":' + c(e.metadata);
    head += ',"occurredAt":' + (e.occurredAt === shared.recordedAt ? recordedAt : c(e.occurredAt)) + middle;
    const key = `${e.version}\u0000${e.type}`;
    let tail = tails.get(key);
    if (tail === undefined) {
      tail = ',"type":' + c(e.type) + ',"version":' + c(e.version) + '}';
      tails.set(key, tail);
    }
    return { head, tail };
  };
}

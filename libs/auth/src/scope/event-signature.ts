import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { eventSigningText } from '@vanguard/contracts';
import {
  BATCH_SIGNATURE_ALG,
  CheckedRoots,
  ProvenTrees,
  MAX_SIGNED_BATCH,
  batchRootMessage,
  inBatch,
  parseBatchClaim,
  signBatch,
  type BatchSignature,
} from './event-batch-signature';

/**
 * Every context's public events are signed by the service that produces them, and a consumer
 * acts only on those (ADR 0010 for organisation events, ADR 0059 for the rest): writing to a
 * topic is not enough to forge a decision. Each context has its own Ed25519 key; the producer's
 * relay signs each envelope on the way out, consumers hold the public keys. The signature rides
 * in the envelope (`metadata.signature`), so it reaches the handler, the dead-letter topic and
 * any re-drive unchanged.
 */
export const EVENT_SIGNATURE = 'signature';

export interface EventSignature {
  readonly alg: 'Ed25519';
  /** Which key of the event's context signed; consumers accept every key they were given (rotation). */
  readonly kid: string;
  /** base64url */
  readonly value: string;
}

export type SignatureRefusal = 'unsigned' | 'unknown-key' | 'bad-signature' | 'other-context';
export type SignatureCheck = { ok: true; kid: string } | { ok: false; reason: SignatureRefusal };

// Ed25519 keys as DER around their 32 raw bytes (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The context an event belongs to: its type's prefix (`commendation.CommendationDecided` → `commendation`). */
export function eventContext(type: string): string {
  const at = type.indexOf('.');
  return at > 0 ? type.slice(0, at) : '';
}

/** The environment variables of a context's keys, e.g. `EVALUATION_EVENT_SIGNING_KEY`. */
export function eventKeyVariables(context: string): { signingKey: string; signingKeyId: string; verifyKeys: string } {
  const prefix = `${context.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_EVENT`;
  return { signingKey: `${prefix}_SIGNING_KEY`, signingKeyId: `${prefix}_SIGNING_KEY_ID`, verifyKeys: `${prefix}_VERIFY_KEYS` };
}

/** The development key's id for a context: `organization-dev-1`, `evaluation-dev-1`, … */
export const developmentEventKeyId = (context: string): string => `${context}-dev-1`;

/**
 * The development keys: derived from published constants, so every copy of Vanguard has them.
 * Fine for a laptop and the tests; production mode must refuse them (`eventKeyProblems`).
 * Organisation's seed predates the others and is kept so its key and kid stay what they were;
 * every other context's seed is the SHA-256 of the phrase below with the context's name.
 */
export const DEVELOPMENT_EVENT_KEY_PHRASE = 'vanguard development events of ';
const ORGANIZATION_DEVELOPMENT_SEED = Buffer.from('vanguard development org events'.padEnd(32, '.'), 'utf8');

function developmentSeed(context: string): Buffer {
  if (context === 'organization') return ORGANIZATION_DEVELOPMENT_SEED;
  return createHash('sha256').update(`${DEVELOPMENT_EVENT_KEY_PHRASE}${context}`, 'utf8').digest();
}

const developmentKeys = new Map<string, KeyObject>();
export function developmentEventKey(context: string): KeyObject {
  let key = developmentKeys.get(context);
  if (!key) {
    key = eventPrivateKey(developmentSeed(context).toString('base64'));
    developmentKeys.set(context, key);
  }
  return key;
}

/** What is signed: the fields a consumer acts on, as canonical JSON (keys sorted, undefined left out). */
export function eventSigningInput(e: EventEnvelope): Buffer {
  return Buffer.from(eventSigningText(e), 'utf8');
}

/** A private key from a PEM (PKCS#8) or the base64 of a 32-byte Ed25519 seed. */
export function eventPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== 32) throw new Error('an event signing key must be a PKCS#8 PEM or the base64 of 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A public key from a PEM (SPKI) or the base64 of its 32 raw bytes. */
export function eventPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32) throw new Error('an event verify key must be an SPKI PEM or the base64 of 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The base64 of a public key's 32 raw bytes, the form `<CONTEXT>_EVENT_VERIFY_KEYS` takes. */
export function rawPublicKey(key: KeyObject): string {
  const der = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('base64');
}

/** Whether a key (either half) is the development key of any context's. */
export function isDevelopmentEventKey(key: KeyObject, context: string): boolean {
  return rawPublicKey(key) === rawPublicKey(developmentEventKey(context));
}

/** Signs one context's events; held by that context's producing service alone. */
export class EventSigner {
  constructor(
    readonly context: string,
    private readonly key: KeyObject,
    readonly kid: string,
  ) {}

  /** From `<CONTEXT>_EVENT_SIGNING_KEY` (+ `_ID`, default `<context>-1`), else the context's development key. */
  static forContext(context: string, env: NodeJS.ProcessEnv = process.env): EventSigner {
    const names = eventKeyVariables(context);
    const text = env[names.signingKey];
    if (!text) return new EventSigner(context, developmentEventKey(context), developmentEventKeyId(context));
    return new EventSigner(context, eventPrivateKey(text), env[names.signingKeyId] ?? `${context}-1`);
  }

  get isDevelopmentKey(): boolean {
    return isDevelopmentEventKey(this.key, this.context);
  }

  get publicKey(): KeyObject {
    return createPublicKey(this.key);
  }

  /** The envelope with `metadata.signature` over {@link eventSigningInput}. */
  sign<E extends EventEnvelope>(envelope: E): E {
    const signature: EventSignature = {
      alg: 'Ed25519',
      kid: this.kid,
      value: sign(null, eventSigningInput(envelope), this.key).toString('base64url'),
    };
    return { ...envelope, metadata: { ...envelope.metadata, [EVENT_SIGNATURE]: signature } };
  }

  /**
   * The envelopes signed in batches of up to {@link MAX_SIGNED_BATCH} under one root each (ADR
   * 0085), in their order; a batch of one is signed on its own, as {@link sign} does.
   */
  signBatch<E extends EventEnvelope>(envelopes: readonly E[]): E[] {
    const out: E[] = [];
    for (let at = 0; at < envelopes.length; at += MAX_SIGNED_BATCH) {
      const chunk = envelopes.slice(at, at + MAX_SIGNED_BATCH);
      if (chunk.length === 1) {
        out.push(this.sign(chunk[0]!));
        continue;
      }
      const signatures = signBatch(this.key, this.context, this.kid, chunk.map(eventSigningInput));
      chunk.forEach((e, i) => out.push({ ...e, metadata: { ...e.metadata, [EVENT_SIGNATURE]: signatures[i]! } }));
    }
    return out;
  }
}

type Keys = Readonly<Record<string, KeyObject>> | ReadonlyMap<string, KeyObject>;

/** `kid=<base64 of the 32-byte public key>`, comma-separated (several during a rotation). */
export function parseVerifyKeys(variable: string, text: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`${variable}: "${entry}" is not kid=<base64 public key>`);
    keys.set(entry.slice(0, at), eventPublicKey(entry.slice(at + 1)));
  }
  return keys;
}

/** A context's verify keys from `<CONTEXT>_EVENT_VERIFY_KEYS`, else its development key's public half. */
export function verifyKeysFromEnv(context: string, env: NodeJS.ProcessEnv = process.env): Map<string, KeyObject> {
  const variable = eventKeyVariables(context).verifyKeys;
  const text = env[variable];
  if (!text) return new Map([[developmentEventKeyId(context), createPublicKey(developmentEventKey(context))]]);
  return parseVerifyKeys(variable, text);
}

/**
 * Checks that an event was signed by a key of its own context's producer: a key is accepted
 * only for the context it was given for, so commendation's key cannot vouch for an evaluation
 * event, and an event of a context the verifier holds no keys for is refused.
 */
export class EventVerifier {
  private readonly byContext: ReadonlyMap<string, ReadonlyMap<string, KeyObject>>;
  private readonly roots = new CheckedRoots();
  private readonly trees = new ProvenTrees();

  /** Keys by context, each by kid. */
  constructor(keys: Readonly<Record<string, Keys>>) {
    this.byContext = new Map(
      Object.entries(keys).map(([context, k]) => [context, k instanceof Map ? new Map(k) : new Map(Object.entries(k))]),
    );
  }

  /** The keys of each context from `<CONTEXT>_EVENT_VERIFY_KEYS`, else each context's development key. */
  static forContexts(contexts: readonly string[], env: NodeJS.ProcessEnv = process.env): EventVerifier {
    return new EventVerifier(Object.fromEntries(contexts.map((c) => [c, verifyKeysFromEnv(c, env)])));
  }

  get contexts(): readonly string[] {
    return [...this.byContext.keys()];
  }

  /** Whether a context's development key is among those accepted for it (production mode refuses that). */
  usesDevelopmentKeyOf(context: string): boolean {
    const keys = this.byContext.get(context);
    return !!keys && [...keys.values()].some((k) => isDevelopmentEventKey(k, context));
  }

  verify(envelope: EventEnvelope): SignatureCheck {
    const claim = this.claimOf(envelope);
    if ('ok' in claim) return claim;
    const valid =
      claim.root === undefined
        ? verify(null, claim.input, claim.key, claim.signature)
        : claim.root !== null && this.roots.checkNow(claim.root, claim.key, claim.signature);
    return valid ? { ok: true, kid: claim.kid } : { ok: false, reason: 'bad-signature' };
  }

  /**
   * {@link verify} for a batch, the results in the envelopes' order, refusing exactly what it
   * refuses (ADR 0068). The canonical JSON is built here; the Ed25519 checks run on libuv's
   * thread pool, at most `concurrency` at a time, so a consumer's thread is free for decoding,
   * validation and its database while they run. Rejects where `verify` would throw.
   */
  async verifyAll(envelopes: readonly EventEnvelope[], concurrency = 32): Promise<SignatureCheck[]> {
    const results = new Array<SignatureCheck>(envelopes.length);
    let next = 0;
    const lane = async () => {
      while (next < envelopes.length) {
        const i = next++;
        results[i] = await this.verifyOnPool(envelopes[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), envelopes.length) }, lane));
    return results;
  }

  private async verifyOnPool(envelope: EventEnvelope): Promise<SignatureCheck> {
    const claim = this.claimOf(envelope);
    if ('ok' in claim) return claim;
    const valid =
      claim.root === undefined
        ? await new Promise<boolean>((resolve, reject) =>
            verify(null, claim.input, claim.key, claim.signature, (error, ok) => (error ? reject(error) : resolve(ok))),
          )
        : claim.root !== null && (await this.roots.check(claim.root, claim.key, claim.signature));
    return valid ? { ok: true, kid: claim.kid } : { ok: false, reason: 'bad-signature' };
  }

  /**
   * The key, signature and signed message an envelope claims, or why it is refused before any
   * signature is checked. `root`: for a batch signature (ADR 0085) the root message to check, or
   * null when the event is not the leaf its path claims; undefined for a signature of its own.
   */
  private claimOf(
    envelope: EventEnvelope,
  ):
    | SignatureCheck
    | { key: KeyObject; kid: string; signature: Buffer; input: Buffer; root?: undefined }
    | { key: KeyObject; kid: string; signature: Buffer; root: Buffer | null } {
    const s = envelope.metadata?.[EVENT_SIGNATURE] as Partial<Record<keyof BatchSignature, unknown>> | undefined;
    const batch = s?.alg === BATCH_SIGNATURE_ALG ? parseBatchClaim(s) : undefined;
    const single = s?.alg === 'Ed25519' && typeof s.kid === 'string' && typeof s.value === 'string';
    if (!s || typeof s !== 'object' || !(single || batch)) return { ok: false, reason: 'unsigned' };
    const kid = s.kid as string;
    const context = eventContext(envelope.type);
    const key = this.byContext.get(context)?.get(kid);
    if (!key) {
      const ofAnother = [...this.byContext.values()].some((keys) => keys.has(kid));
      return { ok: false, reason: ofAnother ? 'other-context' : 'unknown-key' };
    }
    if (!batch) return { key, kid, signature: Buffer.from(s.value as string, 'base64url'), input: eventSigningInput(envelope) };
    // The leaf is hashed from the text itself: a batch claim never needs the input's bytes apart.
    const root = inBatch(eventSigningText(envelope), batch, this.trees) ? batchRootMessage(context, kid, batch.size, batch.root) : null;
    return { key, kid, signature: batch.signature, root };
  }
}

/**
 * Signs with the development key of the event's own context, as that context's producer does
 * on a laptop and in the tests: for fixtures that publish hand-made events on a topic whose
 * consumers verify (`@vanguard/testing` cannot hold it: this library's tests depend on that one).
 */
export function signWithDevelopmentKey<E extends EventEnvelope>(envelope: E): E {
  const context = eventContext(envelope.type);
  return new EventSigner(context, developmentEventKey(context), developmentEventKeyId(context)).sign(envelope);
}

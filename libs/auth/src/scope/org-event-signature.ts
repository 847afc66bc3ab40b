import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';

/**
 * Organisation-tree events decide every service's scope, so a consumer applies only those
 * the organization service itself signed (ADR 0010). The organization relay signs each
 * envelope with an Ed25519 key only it holds; consumers hold the public keys. The
 * signature rides in the envelope (`metadata.signature`), so it reaches the handler, the
 * dead-letter topic and any re-drive unchanged.
 */
export const ORG_EVENT_SIGNATURE = 'signature';

export interface OrgEventSignature {
  readonly alg: 'Ed25519';
  /** Which key signed; consumers accept every key they were given (rotation). */
  readonly kid: string;
  /** base64url */
  readonly value: string;
}

export type SignatureCheck = { ok: true; kid: string } | { ok: false; reason: 'unsigned' | 'unknown-key' | 'bad-signature' };

// Ed25519 keys as DER around their 32 raw bytes (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The development key: derived from a published constant, so every copy of Vanguard has
 * it. Fine for a laptop and the tests; production mode must refuse it
 * (`isDevelopmentOrgEventKey`).
 */
export const DEVELOPMENT_ORG_EVENT_KEY_ID = 'organization-dev-1';
const DEVELOPMENT_SEED = Buffer.from('vanguard development org events'.padEnd(32, '.'), 'utf8');

/** What is signed: the fields a consumer acts on, as canonical JSON (keys sorted, undefined left out). */
export function orgEventSigningInput(e: EventEnvelope): Buffer {
  return Buffer.from(
    canonicalJson({
      eventId: e.eventId,
      type: e.type,
      version: e.version,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      occurredAt: e.occurredAt,
      orgId: e.orgId,
      data: e.data,
    }),
    'utf8',
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A private key from a PEM (PKCS#8) or the base64 of a 32-byte Ed25519 seed. */
export function orgEventPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== 32) throw new Error('an organisation event signing key must be a PKCS#8 PEM or the base64 of 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A public key from a PEM (SPKI) or the base64 of its 32 raw bytes. */
export function orgEventPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32) throw new Error('an organisation event verify key must be an SPKI PEM or the base64 of 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The base64 of a public key's 32 raw bytes, the form `ORGANIZATION_EVENT_VERIFY_KEYS` takes. */
export function rawPublicKey(key: KeyObject): string {
  const der = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('base64');
}

const developmentPrivateKey = (): KeyObject => orgEventPrivateKey(DEVELOPMENT_SEED.toString('base64'));

export function isDevelopmentOrgEventKey(key: KeyObject): boolean {
  return rawPublicKey(key) === rawPublicKey(developmentPrivateKey());
}

/** Signs organisation events; held by the organization service's relay alone. */
export class OrgEventSigner {
  constructor(
    private readonly key: KeyObject,
    readonly kid: string,
  ) {}

  /** From `ORGANIZATION_EVENT_SIGNING_KEY` (+ `_ID`), else the development key. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OrgEventSigner {
    const text = env['ORGANIZATION_EVENT_SIGNING_KEY'];
    if (!text) return new OrgEventSigner(developmentPrivateKey(), DEVELOPMENT_ORG_EVENT_KEY_ID);
    return new OrgEventSigner(orgEventPrivateKey(text), env['ORGANIZATION_EVENT_SIGNING_KEY_ID'] ?? 'organization-1');
  }

  get isDevelopmentKey(): boolean {
    return isDevelopmentOrgEventKey(this.key);
  }

  get publicKey(): KeyObject {
    return createPublicKey(this.key);
  }

  /** The envelope with `metadata.signature` over {@link orgEventSigningInput}. */
  sign<E extends EventEnvelope>(envelope: E): E {
    const signature: OrgEventSignature = {
      alg: 'Ed25519',
      kid: this.kid,
      value: sign(null, orgEventSigningInput(envelope), this.key).toString('base64url'),
    };
    return { ...envelope, metadata: { ...envelope.metadata, [ORG_EVENT_SIGNATURE]: signature } };
  }
}

/** Checks that an organisation event was signed by one of the organization service's keys. */
export class OrgEventVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(keys: Readonly<Record<string, KeyObject>> | ReadonlyMap<string, KeyObject>) {
    this.keys = keys instanceof Map ? new Map(keys) : new Map(Object.entries(keys));
  }

  /**
   * From `ORGANIZATION_EVENT_VERIFY_KEYS` (`kid=<base64 of the 32-byte public key>`, comma-separated,
   * several during a rotation), else the development key's public half.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OrgEventVerifier {
    const text = env['ORGANIZATION_EVENT_VERIFY_KEYS'];
    if (!text) return new OrgEventVerifier({ [DEVELOPMENT_ORG_EVENT_KEY_ID]: createPublicKey(developmentPrivateKey()) });
    const keys = new Map<string, KeyObject>();
    for (const entry of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const at = entry.indexOf('=');
      if (at <= 0) throw new Error(`ORGANIZATION_EVENT_VERIFY_KEYS: "${entry}" is not kid=<base64 public key>`);
      keys.set(entry.slice(0, at), orgEventPublicKey(entry.slice(at + 1)));
    }
    return new OrgEventVerifier(keys);
  }

  /** Whether the development key is among those accepted (production mode refuses that). */
  get usesDevelopmentKey(): boolean {
    return [...this.keys.values()].some((k) => rawPublicKey(k) === rawPublicKey(developmentPrivateKey()));
  }

  verify(envelope: EventEnvelope): SignatureCheck {
    const s = envelope.metadata?.[ORG_EVENT_SIGNATURE] as Partial<OrgEventSignature> | undefined;
    if (!s || typeof s !== 'object' || s.alg !== 'Ed25519' || typeof s.kid !== 'string' || typeof s.value !== 'string') {
      return { ok: false, reason: 'unsigned' };
    }
    const key = this.keys.get(s.kid);
    if (!key) return { ok: false, reason: 'unknown-key' };
    const valid = verify(null, orgEventSigningInput(envelope), key, Buffer.from(s.value, 'base64url'));
    return valid ? { ok: true, kid: s.kid } : { ok: false, reason: 'bad-signature' };
  }
}

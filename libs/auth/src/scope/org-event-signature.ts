import type { KeyObject } from 'node:crypto';
import {
  EVENT_SIGNATURE,
  EventSigner,
  EventVerifier,
  developmentEventKeyId,
  eventPrivateKey,
  eventPublicKey,
  eventSigningInput,
  isDevelopmentEventKey,
  verifyKeysFromEnv,
  type EventSignature,
} from './event-signature';

/**
 * Organisation-tree events decide every service's scope, so a consumer applies only those
 * the organization service itself signed (ADR 0010). The organisation context's names for
 * the signatures every context's events carry (event-signature.ts, ADR 0059): same key
 * variables, development key and kid as before the other contexts were signed.
 */
export const ORG_EVENT_SIGNATURE = EVENT_SIGNATURE;
export type OrgEventSignature = EventSignature;
export type { SignatureCheck } from './event-signature';
export { rawPublicKey } from './event-signature';

const ORGANIZATION = 'organization';

/** `organization-dev-1`; production mode must refuse its key (`isDevelopmentOrgEventKey`). */
export const DEVELOPMENT_ORG_EVENT_KEY_ID = developmentEventKeyId(ORGANIZATION);

export const orgEventSigningInput = eventSigningInput;
export const orgEventPrivateKey = eventPrivateKey;
export const orgEventPublicKey = eventPublicKey;

export function isDevelopmentOrgEventKey(key: KeyObject): boolean {
  return isDevelopmentEventKey(key, ORGANIZATION);
}

/** Signs organisation events; held by the organization service's relay alone. */
export class OrgEventSigner extends EventSigner {
  constructor(key: KeyObject, kid: string) {
    super(ORGANIZATION, key, kid);
  }

  /** From `ORGANIZATION_EVENT_SIGNING_KEY` (+ `_ID`), else the development key. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OrgEventSigner {
    // Same instance shape: the rule of which key and kid lives in EventSigner.forContext.
    return EventSigner.forContext(ORGANIZATION, env);
  }
}

/** Checks that an organisation event was signed by one of the organization service's keys. */
export class OrgEventVerifier extends EventVerifier {
  constructor(keys: Readonly<Record<string, KeyObject>> | ReadonlyMap<string, KeyObject>) {
    super({ [ORGANIZATION]: keys });
  }

  /**
   * From `ORGANIZATION_EVENT_VERIFY_KEYS` (`kid=<base64 of the 32-byte public key>`, comma-separated,
   * several during a rotation), else the development key's public half.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OrgEventVerifier {
    return new OrgEventVerifier(verifyKeysFromEnv(ORGANIZATION, env));
  }

  /** Whether the development key is among those accepted (production mode refuses that). */
  get usesDevelopmentKey(): boolean {
    return this.usesDevelopmentKeyOf(ORGANIZATION);
  }
}

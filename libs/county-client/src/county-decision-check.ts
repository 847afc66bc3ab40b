import { EventVerifier, eventKeyVariables, type SignatureRefusal } from '@vanguard/auth';
import type { EventEnvelope } from '@vanguard/contracts';

// A county acts on the platform's decisions (it files them, tells its members), so it takes one
// only when the context that decides signed it (ADR 0059, ADR 0062): the decision feed that
// carries them to the county, the broker and anyone who can write to a topic cannot forge one.

/**
 * The contexts whose events reach a county's decision topic: evaluation's and commendation's
 * decisions, organisation's transfers into the county (their verify keys: `<CONTEXT>_EVENT_VERIFY_KEYS`).
 */
export const FOLLOWED_CONTEXTS = ['evaluation', 'commendation', 'organization'] as const;

/**
 * Refused: a followed context's verify keys are the public development ones, so anyone could sign
 * its decisions (the variable unset falls back to them). Only a local platform's demo allows it.
 */
export class DevelopmentKeyRefused extends Error {
  constructor(readonly variables: readonly string[]) {
    super(
      `未配置决定的验证密钥: ${variables.join(', ')} 未设置或含公开的开发密钥（任何人都能签）。` +
        `请设置 ${variables.map((v) => `${v}=<kid>=<base64 公钥>`).join(' ')}（向平台运维索取）；` +
        `仅本地演示平台可加 --allow-development-key`,
    );
    this.name = 'DevelopmentKeyRefused';
  }
}

/**
 * The producers' verify keys, from `EVALUATION_EVENT_VERIFY_KEYS`, `COMMENDATION_EVENT_VERIFY_KEYS`
 * and `ORGANIZATION_EVENT_VERIFY_KEYS` (`kid=<base64 public key>`, as the services take them).
 * A context whose keys are the public development ones (its variable unset, or listing them) is
 * refused unless `allowDevelopmentKey` — the audit CLI's rule: one context configured and another
 * forgotten would otherwise accept the forgotten context's decisions signed by anyone.
 */
export function decisionVerifier(env: NodeJS.ProcessEnv = process.env, options: { allowDevelopmentKey?: boolean } = {}): EventVerifier {
  const verifier = EventVerifier.forContexts(FOLLOWED_CONTEXTS, env);
  const development = FOLLOWED_CONTEXTS.filter((c) => verifier.usesDevelopmentKeyOf(c));
  if (development.length > 0 && options.allowDevelopmentKey !== true)
    throw new DevelopmentKeyRefused(development.map((c) => eventKeyVariables(c).verifyKeys));
  return verifier;
}

/** A decision event whose signature did not verify: never shown, reported. */
export interface ForgedDecision {
  readonly eventId: string;
  readonly type: string;
  readonly orgId: string;
  readonly reason: SignatureRefusal;
}

/** Pure: the event if its own context's producer signed it, else why not. */
export function checkDecisionSignature(
  envelope: EventEnvelope,
  verifier: EventVerifier,
): { ok: true } | { ok: false; forged: ForgedDecision } {
  const check = verifier.verify(envelope);
  if (check.ok) return { ok: true };
  return { ok: false, forged: { eventId: envelope.eventId, type: envelope.type, orgId: envelope.orgId, reason: check.reason } };
}

const REASON: Readonly<Record<SignatureRefusal, string>> = {
  unsigned: '未签名',
  'unknown-key': '签名密钥未知',
  'bad-signature': '签名无效',
  'other-context': '以其他上下文的密钥签名',
};

export function describeForged(f: ForgedDecision): string {
  return `拒收伪造的决定 ${f.type}（${REASON[f.reason]}）: 事件 ${f.eventId}，组织 ${f.orgId}`;
}

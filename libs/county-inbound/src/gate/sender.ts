import type { IHeaders } from 'kafkajs';
import { headerValue } from '@vanguard/messaging';
import type { CountySender } from '../county-inbound.port';

/** The slice of a verified principal (libs/auth Principal) the gate reads. */
export interface CountyPrincipal {
  readonly sub: string;
  /** Keycloak's `preferred_username`: `service-account-<client id>` for a client's own service account. */
  readonly username: string;
  readonly roles: readonly string[];
  readonly orgId: string | undefined;
  readonly kind: 'user' | 'service';
  readonly clientId: string | undefined;
}

export const AUTHORIZATION_HEADER = 'authorization';

/** The bearer token of the record's `authorization` header, if any. */
export function bearerToken(headers: IHeaders | undefined): string | undefined {
  const value = headerValue(headers, AUTHORIZATION_HEADER);
  const match = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * The client a token claims to come from, WITHOUT verifying it: only used to choose where a
 * refusal of an unproven message goes (a known county's own reply topic), never to act.
 */
export function claimedClient(token: string | undefined): { clientId?: string; orgId?: string; expiresAt?: Date } {
  const payload = token?.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const exp = claims['exp'];
    return {
      ...(typeof claims['azp'] === 'string' ? { clientId: claims['azp'] } : {}),
      ...(typeof claims['org_id'] === 'string' ? { orgId: claims['org_id'] } : {}),
      ...(typeof exp === 'number' && Number.isFinite(exp) ? { expiresAt: new Date(exp * 1000) } : {}),
    };
  } catch {
    return {};
  }
}

/** A verified principal as a county sender, or why it is not one. */
export function countySenderOf(principal: CountyPrincipal, knownCounties: ReadonlySet<string>): CountySender | { refusal: string } {
  if (!principal.roles.includes('county_system'))
    return { refusal: '令牌缺少 county_system 角色 / the token lacks the county_system role' };
  if (!principal.clientId || !knownCounties.has(principal.clientId)) {
    return {
      refusal: `客户端 ${JSON.stringify(principal.clientId ?? null)} 不是已配置的旗县系统 / client ${JSON.stringify(principal.clientId ?? null)} is not a configured county system`,
    };
  }
  // The county client's own service account (client credentials), not a person signed in through
  // the client: the role alone said nothing, since principalFromClaims once made every holder of
  // county_system a service, and a county client with a login flow switched on would let one in.
  // Keycloak keeps usernames in lower case, a client id as it was given.
  if (principal.kind !== 'service' || principal.username !== `service-account-${principal.clientId}`.toLowerCase())
    return {
      refusal: `令牌不是 ${principal.clientId} 自身的服务账号 / the token is not ${principal.clientId}'s own service account (client credentials)`,
    };
  if (!principal.orgId) return { refusal: '令牌未载明 org_id / the token carries no org_id' };
  return { clientId: principal.clientId, sub: principal.sub, countyOrgId: principal.orgId };
}

/**
 * Does the envelope claim to be from the sender its token proves? The actor's sub and orgId and
 * the envelope's orgId must all be the token's: a county cannot write in another's name.
 */
export function senderMismatch(raw: Record<string, unknown>, sender: CountySender): string | undefined {
  const actor = (typeof raw['actor'] === 'object' && raw['actor'] !== null ? raw['actor'] : {}) as Record<string, unknown>;
  if (actor['sub'] !== sender.sub)
    return `actor.sub 与令牌主体不符 / actor.sub ${JSON.stringify(actor['sub'] ?? null)} is not the token’s subject`;
  if (actor['orgId'] !== sender.countyOrgId)
    return `actor.orgId 与令牌的 org_id 不符 / actor.orgId ${JSON.stringify(actor['orgId'] ?? null)} is not the token’s org_id`;
  if (raw['orgId'] !== sender.countyOrgId)
    return `orgId 与令牌的 org_id 不符 / orgId ${JSON.stringify(raw['orgId'] ?? null)} is not the token’s org_id`;
  return undefined;
}

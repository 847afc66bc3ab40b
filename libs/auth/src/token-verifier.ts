import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { principalFromClaims, type Principal } from './principal';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Defaults to the issuer's OIDC certs endpoint (Keycloak's layout). */
  readonly jwksUri?: string;
  /** Seconds of clock skew tolerated on exp/nbf. */
  readonly clockToleranceSec?: number;
  /**
   * The clients (`azp`) whose tokens may call the API: the console and the county systems.
   * Any other client of the realm (a test client, an admin tool) is refused even though
   * Keycloak signed its token for our audience.
   */
  readonly allowedClients: readonly string[];
  /** How many verified tokens to remember (default 5,000; 0 turns the cache off). */
  readonly cacheSize?: number;
  /** How long a verified token is remembered at most, in ms (default 60 s; never past its `exp`). */
  readonly cacheTtlMs?: number;
}

/** Why a token was refused; the HTTP layer turns every kind into 401. */
export class TokenRejectedError extends Error {
  constructor(
    readonly code:
      | 'AUTH.TOKEN_MISSING'
      | 'AUTH.TOKEN_EXPIRED'
      | 'AUTH.TOKEN_INVALID'
      | 'AUTH.TOKEN_TYPE'
      | 'AUTH.CLIENT_NOT_ALLOWED'
      | 'AUTH.KEYS_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

/**
 * Validates Keycloak access tokens offline against the realm's JWKS (ADR 0003).
 * jose caches the key set and refetches it when a token names an unknown `kid`
 * (at most once per cooldown), which is how Keycloak key rotation reaches us.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly allowedClients: ReadonlySet<string>;
  /**
   * Verified tokens, keyed by the whole token: checking an RS256 signature costs more CPU than the
   * rest of a command, and a client sends the same token for minutes. Tokens are checked
   * offline anyway (no revocation), so remembering a verdict until min(exp, TTL) changes no
   * guarantee. Insertion order makes the Map an LRU-ish bound.
   */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly options: TokenVerifierOptions,
    keys?: JWTVerifyGetKey,
  ) {
    this.allowedClients = new Set(options.allowedClients);
    const jwksUri = options.jwksUri ?? `${options.issuer}/protocol/openid-connect/certs`;
    this.keys =
      keys ?? createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.verified.get(token);
    if (hit && hit.until > Date.now()) return hit.principal;
    if (hit) this.verified.delete(token);
    const { principal, exp } = await this.check(token);
    this.remember(token, principal, exp);
    return principal;
  }

  private remember(token: string, principal: Principal, exp: number): void {
    const size = this.options.cacheSize ?? 5_000;
    if (size <= 0) return;
    if (this.verified.size >= size) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, until: Math.min(exp * 1000, Date.now() + (this.options.cacheTtlMs ?? 60_000)) });
  }

  private async check(token: string): Promise<{ principal: Principal; exp: number }> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      // An ID token can name the API as audience too; only Keycloak's access tokens say Bearer.
      if (payload['typ'] !== 'Bearer') {
        throw new TokenRejectedError(
          'AUTH.TOKEN_TYPE',
          `令牌类型不是访问令牌 / token type ${payload['typ'] === undefined ? '(none)' : JSON.stringify(payload['typ'])} is not Bearer`,
        );
      }
      const azp = payload['azp'];
      if (typeof azp !== 'string' || !this.allowedClients.has(azp)) {
        throw new TokenRejectedError(
          'AUTH.CLIENT_NOT_ALLOWED',
          `该客户端无权调用接口 / client ${typeof azp === 'string' ? JSON.stringify(azp) : '(none)'} may not call this API`,
        );
      }
      return { principal: principalFromClaims(payload), exp: payload.exp! };
    } catch (e) {
      if (e instanceof TokenRejectedError) throw e;
      if (e instanceof errors.JWTExpired) throw new TokenRejectedError('AUTH.TOKEN_EXPIRED', 'token expired');
      if (e instanceof errors.JWKSTimeout || (e instanceof TypeError && /fetch/i.test(e.message))) {
        throw new TokenRejectedError('AUTH.KEYS_UNAVAILABLE', 'signing keys unavailable');
      }
      const reason = e instanceof errors.JOSEError ? e.code : 'malformed';
      throw new TokenRejectedError('AUTH.TOKEN_INVALID', `token invalid (${reason})`);
    }
  }
}

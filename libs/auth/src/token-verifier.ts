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
      return principalFromClaims(payload);
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

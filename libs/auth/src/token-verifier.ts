import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { principalFromClaims, type Principal } from './principal';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Defaults to the issuer's OIDC certs endpoint (Keycloak's layout). */
  readonly jwksUri?: string;
  /** Seconds of clock skew tolerated on exp/nbf. */
  readonly clockToleranceSec?: number;
}

/** Why a token was refused; the HTTP layer turns every kind into 401. */
export class TokenRejectedError extends Error {
  constructor(
    readonly code: 'AUTH.TOKEN_MISSING' | 'AUTH.TOKEN_EXPIRED' | 'AUTH.TOKEN_INVALID' | 'AUTH.KEYS_UNAVAILABLE',
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

  constructor(private readonly options: TokenVerifierOptions) {
    const jwksUri = options.jwksUri ?? `${options.issuer}/protocol/openid-connect/certs`;
    this.keys = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
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
      if (payload['typ'] !== undefined && payload['typ'] !== 'Bearer') {
        throw new TokenRejectedError('AUTH.TOKEN_INVALID', `token type ${JSON.stringify(payload['typ'])} is not an access token`);
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

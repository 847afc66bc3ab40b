import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
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
  /** How long a verified signature is remembered, in ms (default 60 s); `exp`/`nbf` are checked on every use. */
  readonly cacheTtlMs?: number;
  /** The least time between two fetches of the key set for an unknown `kid`, in ms (default 5 s). */
  readonly keySetCooldownMs?: number;
}

/** Why a token was refused; the HTTP layer turns every kind into 401 but `AUTH.KEYS_UNAVAILABLE` (503: retry). */
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

/** A verified token: its principal, its time claims (checked per use) and how long we trust the verdict. */
interface Remembered {
  readonly principal: Principal;
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number | undefined;
  readonly rememberedUntil: number;
}

/**
 * Validates Keycloak access tokens offline against the realm's JWKS (ADR 0003).
 * jose caches the key set and refetches it when a token names an unknown `kid`
 * (at most once per cooldown), which is how Keycloak key rotation reaches us.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  /** The realm's key set as jose fetches it; absent when the caller gave its own keys. */
  private readonly remote?: ReturnType<typeof createRemoteJWKSet>;
  /**
   * `kid`s a fetch made for them did not find. An honest token never names a key before the
   * realm publishes it, so one of these met again is refused at once (ADR 0102),
   * not waited out like a key published since the last fetch.
   */
  private readonly unknownKids = new Set<string>();
  private readonly allowedClients: ReadonlySet<string>;
  /**
   * Verified tokens, keyed by the whole token: checking an RS256 signature costs more CPU than the
   * rest of a command, and a client sends the same token for minutes. Tokens are checked
   * offline anyway (no revocation), so remembering a verdict until min(exp, TTL) changes no
   * guarantee. Insertion order makes the Map an LRU-ish bound.
   */
  private readonly verified = new Map<string, Remembered>();

  constructor(
    private readonly options: TokenVerifierOptions,
    keys?: JWTVerifyGetKey,
  ) {
    this.allowedClients = new Set(options.allowedClients);
    const jwksUri = options.jwksUri ?? `${options.issuer}/protocol/openid-connect/certs`;
    if (keys) {
      this.keys = keys;
    } else {
      const cooldownDuration = options.keySetCooldownMs ?? 5_000;
      this.remote = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
      this.keys = this.remote;
    }
  }

  /** Verifies a token presented now (an HTTP request). */
  async verify(token: string): Promise<Principal> {
    return this.verifyAt(token, new Date());
  }

  /**
   * Verifies a token as of `at` instead of now: the instant a broker stamped the record that
   * carried it (LogAppendTime), so a message that waited in a topic is judged by when it was
   * sent, not by when a lagging consumer reads it. Signature, issuer, audience, type and client
   * are checked as in `verify`; `exp` and `nbf` against `at` (with the clock tolerance); and a
   * token issued after `at` is refused, since no honest record can carry a token minted after
   * the broker received it (the sign of a producer-chosen, backdated timestamp).
   */
  async verifyAt(token: string, at: Date): Promise<Principal> {
    const atMs = at.getTime();
    if (!Number.isFinite(atMs)) throw new TokenRejectedError('AUTH.TOKEN_INVALID', '令牌无效 / token invalid (no instant to check it at)');
    const hit = this.verified.get(token);
    const fresh = hit !== undefined && hit.rememberedUntil > Date.now();
    // The cache remembers that the signature and the time-free claims held; times are checked
    // against `at` on every hit. Only a clearly valid instant is answered from it: anything
    // near a bound goes through the full check, which applies the tolerance and says why.
    if (fresh && hit.exp * 1000 > atMs && (hit.nbf ?? 0) * 1000 <= atMs && hit.iat * 1000 <= atMs) return hit.principal;
    if (hit && !fresh) this.verified.delete(token);
    const verdict = await this.check(token, at);
    if (!fresh) this.remember(token, verdict);
    return verdict.principal;
  }

  private remember(token: string, verdict: Remembered): void {
    const size = this.options.cacheSize ?? 5_000;
    if (size <= 0) return;
    if (this.verified.size >= size) this.verified.delete(this.verified.keys().next().value!);
    // Remembered for the TTL whatever its exp: each use checks exp against its own instant, so an
    // expired token is still refused by `verify`, while a backlog read a day late (`verifyAt` of
    // old instants) checks each token's signature once per TTL, not once per message.
    this.verified.set(token, { ...verdict, rememberedUntil: Date.now() + (this.options.cacheTtlMs ?? 60_000) });
  }

  private async check(token: string, at: Date): Promise<Remembered> {
    // Whether jose may fetch the key set for an unknown kid during this check (it may not while cooling down).
    const mayFetch = this.remote !== undefined && !this.remote.coolingDown;
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: at,
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
      const tolerance = this.options.clockToleranceSec ?? 5;
      if (payload.iat! > at.getTime() / 1000 + tolerance) {
        throw new TokenRejectedError('AUTH.TOKEN_INVALID', '令牌无效 / token invalid (issued after the instant it is checked at)');
      }
      return { principal: principalFromClaims(payload), exp: payload.exp!, iat: payload.iat!, nbf: payload.nbf, rememberedUntil: 0 };
    } catch (e) {
      if (e instanceof TokenRejectedError) throw e;
      if (e instanceof errors.JWTExpired) throw new TokenRejectedError('AUTH.TOKEN_EXPIRED', '令牌已过期，请重新登录 / token expired');
      // Keycloak unreachable, or answering something other than its key set (booting, 503): the
      // keys are unavailable, which says nothing about the token — callers retry, they do not refuse.
      const keySetUnreadable =
        e instanceof errors.JOSEError && e.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(e.message);
      if (e instanceof errors.JWKSTimeout || keySetUnreadable || (e instanceof TypeError && /fetch/i.test(e.message))) {
        throw new TokenRejectedError('AUTH.KEYS_UNAVAILABLE', '登录服务暂不可用 / signing keys unavailable');
      }
      if (e instanceof errors.JWKSNoMatchingKey && this.remote) this.unknownKey(token, mayFetch);
      const reason = e instanceof errors.JOSEError ? e.code : 'malformed';
      throw new TokenRejectedError('AUTH.TOKEN_INVALID', `令牌无效 / token invalid (${reason})`);
    }
  }

  /**
   * A token names a key the cached set lacks. Inside the cooldown after a fetch, jose does not
   * fetch again: the key may have been published since (Keycloak rotating its keys), and refusing
   * would dead-letter an honest county message for good. That is no verdict — the caller retries
   * once the cooldown is over and the set is fetched anew. A kid a fetch made for it did not find
   * is refused (and remembered, so a forger cannot make each of its messages wait).
   */
  private unknownKey(token: string, fetched: boolean): void {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return;
    }
    if (kid === undefined) return;
    if (fetched) {
      if (this.unknownKids.size >= 1_000) this.unknownKids.delete(this.unknownKids.values().next().value!);
      this.unknownKids.add(kid);
      return;
    }
    if (this.unknownKids.has(kid)) return;
    throw new TokenRejectedError(
      'AUTH.KEYS_UNAVAILABLE',
      `签名密钥尚未更新 / signing key ${JSON.stringify(kid.slice(0, 64))} not in the cached key set yet`,
    );
  }
}

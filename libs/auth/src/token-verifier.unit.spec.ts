import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { waitUntil } from '@vanguard/testing';
import { TokenRejectedError, TokenVerifier } from './token-verifier';

const ISSUER = 'https://sso.example/realms/vanguard';
const AUDIENCE = 'vanguard-api';

describe(TokenVerifier.name, () => {
  let sign: (claims: JWTPayload) => Promise<string>;
  let sut: TokenVerifier;
  let keySet: ReturnType<typeof createLocalJWKSet>;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    // A key of our own stands in for the realm's: this spec is about which signed tokens are
    // let through, not about signatures (the e2e suites use Keycloak's real tokens).
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicKey = pair.publicKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    keySet = createLocalJWKSet({ keys: [jwk] });
    sut = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, allowedClients: ['vanguard-console', 'county-songling'] }, keySet);
  });
  afterEach(() => jest.useRealTimers());

  /** A verifier whose key look-ups are counted: one look-up per signature actually checked. */
  const counting = () => {
    const lookups = { n: 0 };
    const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, allowedClients: ['vanguard-console'] }, (header, token) => {
      lookups.n++;
      return keySet(header, token);
    });
    return { verifier, lookups };
  };

  const rejection = async (token: string): Promise<TokenRejectedError> => {
    const e: unknown = await sut.verify(token).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof TokenRejectedError)) throw new Error(`expected a TokenRejectedError, got ${String(e)}`);
    return e;
  };

  it('verify_WhenKeycloakAnswersSomethingOtherThanItsKeySet_SaysTheKeysAreUnavailable (booting, 503 — not the token’s fault)', async () => {
    const server = createServer((_, res) => res.writeHead(503).end('starting'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const verifier = new TokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        allowedClients: ['vanguard-console'],
        jwksUri: `http://127.0.0.1:${port}/certs`,
      });
      const e = await verifier.verify(await sign({ typ: 'Bearer', azp: 'vanguard-console' })).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(TokenRejectedError);
      expect((e as TokenRejectedError).code).toBe('AUTH.KEYS_UNAVAILABLE');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('verify_WhenAnAllowedClientsAccessToken_ReturnsThePrincipal', async () => {
    const principal = await sut.verify(await sign({ typ: 'Bearer', azp: 'county-songling', org_id: 'o1' }));

    expect(principal).toMatchObject({ sub: 'user-1', clientId: 'county-songling', orgId: 'o1' });
  });

  it('verify_WhenTheTokenHasNoTyp_RefusesItAsNotAnAccessToken', async () => {
    const e = await rejection(await sign({ azp: 'vanguard-console' }));

    expect(e.code).toBe('AUTH.TOKEN_TYPE');
    expect(e.message).toContain('(none)');
  });

  it.each(['ID', 'Refresh', 'Logout', 'bearer'])('verify_WhenTypIs%s_RefusesIt', async (typ) => {
    const e = await rejection(await sign({ typ, azp: 'vanguard-console' }));

    expect(e.code).toBe('AUTH.TOKEN_TYPE');
    expect(e.message).toContain(JSON.stringify(typ));
  });

  it('verify_WhenTheClientIsNotOnTheAllowList_NamesTheClient', async () => {
    const e = await rejection(await sign({ typ: 'Bearer', azp: 'vanguard-short-lived' }));

    expect(e.code).toBe('AUTH.CLIENT_NOT_ALLOWED');
    expect(e.message).toContain('"vanguard-short-lived"');
  });

  it('verify_WhenTheTokenNamesNoClient_RefusesIt', async () => {
    const e = await rejection(await sign({ typ: 'Bearer' }));

    expect(e.code).toBe('AUTH.CLIENT_NOT_ALLOWED');
  });

  it('verify_WhenTheSameTokenComesAgain_DoesNotCheckItsSignatureAgain', async () => {
    const { verifier, lookups } = counting();
    const token = await sign({ typ: 'Bearer', azp: 'vanguard-console', org_id: 'o1' });

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).toEqual(first);
    expect(lookups.n).toBe(1);
  });

  it('verify_WhenARememberedTokenHasExpired_RefusesIt', async () => {
    const { verifier, lookups } = counting();
    // Expires in 20 s, well inside the cache's 60 s: the cache must stop at exp, not at its TTL.
    const token = await new SignJWT({ typ: 'Bearer', azp: 'vanguard-console' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('20s')
      .sign(privateKey);
    await verifier.verify(token);
    // Only the clock moves (jose reads new Date(), the cache Date.now()); timers stay real.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'],
    });
    jest.setSystemTime(Date.now() + 30_000); // past exp (+ the 5 s tolerance), within the cache TTL

    const e: unknown = await verifier.verify(token).catch((err: unknown) => err);

    expect(e).toBeInstanceOf(TokenRejectedError);
    expect((e as TokenRejectedError).code).toBe('AUTH.TOKEN_EXPIRED');
    // Answered to the caller as it stands (AuthGuard's 401): in Chinese and English.
    expect((e as TokenRejectedError).message).toBe('令牌已过期，请重新登录 / token expired');
    expect(lookups.n).toBe(2);
  });

  it('verify_WhenAPayloadIsChangedUnderAValidSignature_ChecksAndRefusesIt', async () => {
    const { verifier } = counting();
    const token = await sign({ typ: 'Bearer', azp: 'vanguard-console', org_id: 'o1' });
    await verifier.verify(token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ typ: 'Bearer', azp: 'vanguard-console', org_id: 'o2' })).toString('base64url')}.${signature}`;

    const e: unknown = await verifier.verify(forged).catch((err: unknown) => err);

    expect((e as TokenRejectedError).code).toBe('AUTH.TOKEN_INVALID');
    expect((e as TokenRejectedError).message).toMatch(/^令牌无效 \/ token invalid \(ERR_JWS_SIGNATURE_VERIFICATION_FAILED\)$/);
  });

  it('verify_WhenTheCacheIsFull_ForgetsTheOldestToken', async () => {
    const lookups = { n: 0 };
    const verifier = new TokenVerifier(
      { issuer: ISSUER, audience: AUDIENCE, allowedClients: ['vanguard-console'], cacheSize: 2 },
      (h, t) => {
        lookups.n++;
        return keySet(h, t);
      },
    );
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((org) => sign({ typ: 'Bearer', azp: 'vanguard-console', org_id: org })));
    for (const t of [a!, b!, c!]) await verifier.verify(t);

    await verifier.verify(c!);
    expect(lookups.n).toBe(3);
    await verifier.verify(a!);
    expect(lookups.n).toBe(4);
  });

  describe('verifyAt (a record checked at its broker timestamp)', () => {
    const nowSec = () => Math.floor(Date.now() / 1000);
    /** A token issued `issuedAgoSec` ago that lived `lifeSec`. */
    const tokenFrom = (issuedAgoSec: number, lifeSec: number) =>
      new SignJWT({ typ: 'Bearer', azp: 'vanguard-console', org_id: 'o1' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('svc-1')
        .setIssuedAt(nowSec() - issuedAgoSec)
        .setExpirationTime(nowSec() - issuedAgoSec + lifeSec)
        .sign(privateKey);
    const at = (agoSec: number) => new Date(Date.now() - agoSec * 1000);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: unknown) => (e instanceof TokenRejectedError ? e.code : String(e)),
      );

    it('verifyAt_WhenTheTokenWasValidAtTheInstantButHasExpiredSince_AcceptsIt', async () => {
      const { verifier } = counting();
      // Issued a day ago for 5 minutes; the record was stamped a minute after issue.
      const token = await tokenFrom(86_400, 300);

      expect(await code(verifier.verifyAt(token, at(86_340)))).toBe('accepted');
      expect(await code(verifier.verify(token))).toBe('AUTH.TOKEN_EXPIRED');
    });

    it('verifyAt_WhenTheTokenHadExpiredAtTheInstant_RefusesIt', async () => {
      const { verifier } = counting();
      const token = await tokenFrom(86_400, 300);

      expect(await code(verifier.verifyAt(token, at(86_000)))).toBe('AUTH.TOKEN_EXPIRED');
    });

    it('verifyAt_WhenTheTokenWasIssuedAfterTheInstant_RefusesIt (a backdated record)', async () => {
      const { verifier } = counting();
      const token = await tokenFrom(0, 300);

      expect(await code(verifier.verifyAt(token, at(600)))).toBe('AUTH.TOKEN_INVALID');
    });

    it('verifyAt_WhenTheTokenIsRemembered_ChecksExpAgainstEachInstantWithoutRecheckingTheSignature', async () => {
      const { verifier, lookups } = counting();
      const token = await tokenFrom(1_000, 300);

      expect(await code(verifier.verifyAt(token, at(900)))).toBe('accepted');
      expect(await code(verifier.verifyAt(token, at(800)))).toBe('accepted');
      expect(lookups.n).toBe(1);
      // Remembered, but expired at this later instant and now: the cache answers neither.
      expect(await code(verifier.verifyAt(token, at(600)))).toBe('AUTH.TOKEN_EXPIRED');
      expect(await code(verifier.verify(token))).toBe('AUTH.TOKEN_EXPIRED');
      // And a remembered token is refused for an instant before it was issued.
      expect(await code(verifier.verifyAt(token, at(1_200)))).toBe('AUTH.TOKEN_INVALID');
    });

    it('verifyAt_WhenTheInstantIsNotADate_RefusesTheToken', async () => {
      const { verifier } = counting();

      expect(await code(verifier.verifyAt(await tokenFrom(0, 300), new Date(Number.NaN)))).toBe('AUTH.TOKEN_INVALID');
    });
  });

  describe('a key the realm publishes after the last fetch of its key set (rotation)', () => {
    /** A realm whose published keys the test changes, the key-set fetches counted. */
    async function realm() {
      const published: object[] = [];
      const fetches = { n: 0 };
      const server = createServer((_, res) => {
        fetches.n++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const newKey = async (kid: string) => {
        const pair = await generateKeyPair('RS256');
        const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256' };
        const signWith = () =>
          new SignJWT({ typ: 'Bearer', azp: 'vanguard-console' })
            .setProtectedHeader({ alg: 'RS256', kid })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setSubject('user-1')
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(pair.privateKey);
        return { publish: () => void published.push(jwk), sign: signWith };
      };
      const verifier = new TokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        allowedClients: ['vanguard-console'],
        jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`,
        keySetCooldownMs: 2_000,
        cacheSize: 0,
      });
      return { verifier, newKey, fetches, close: () => new Promise((r) => server.close(r)) };
    }
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: unknown) => (e instanceof TokenRejectedError ? e.code : String(e)),
      );

    it('verify_WhenATokenNamesAKeyPublishedWithinTheCooldown_SaysRetry_ThenAcceptsItOnceTheSetIsFetchedAgain', async () => {
      const r = await realm();
      try {
        const [old, rotated] = [await r.newKey('old'), await r.newKey('rotated')];
        const [before, token] = [await old.sign(), await rotated.sign()];
        old.publish();
        expect(await outcome(r.verifier.verify(before))).toBe('accepted');
        rotated.publish();
        // Within the cooldown of the fetch above: refused before, and a county message with it dead-lettered for good.
        expect(await outcome(r.verifier.verify(token))).toBe('AUTH.KEYS_UNAVAILABLE');
        await waitUntil('the rotated key to be fetched', async () => (await outcome(r.verifier.verify(token))) === 'accepted', {
          timeoutMs: 10_000,
        });
        expect(r.fetches.n).toBe(2);
      } finally {
        await r.close();
      }
    });

    it('verify_WhenAKidAFetchDidNotFindComesAgainWithinTheCooldown_RefusesItAtOnce_WithoutFetching', async () => {
      const r = await realm();
      try {
        const old = await r.newKey('old');
        old.publish();
        const forged = await r.newKey('forged');
        // The first token fetches the set (no set yet): the kid is not in it, a verdict.
        expect(await outcome(r.verifier.verify(await forged.sign()))).toBe('AUTH.TOKEN_INVALID');
        expect(await outcome(r.verifier.verify(await forged.sign()))).toBe('AUTH.TOKEN_INVALID');
        expect(r.fetches.n).toBe(1);
      } finally {
        await r.close();
      }
    });
  });
});

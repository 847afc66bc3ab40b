import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { TokenRejectedError, TokenVerifier } from './token-verifier';

const ISSUER = 'https://sso.example/realms/vanguard';
const AUDIENCE = 'vanguard-api';

describe(TokenVerifier.name, () => {
  let sign: (claims: JWTPayload) => Promise<string>;
  let sut: TokenVerifier;

  beforeAll(async () => {
    // A key of our own stands in for the realm's: this spec is about which signed tokens are
    // let through, not about signatures (the e2e suites use Keycloak's real tokens).
    const { privateKey, publicKey } = await generateKeyPair('RS256');
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
    sut = new TokenVerifier(
      { issuer: ISSUER, audience: AUDIENCE, allowedClients: ['vanguard-console', 'county-songling'] },
      createLocalJWKSet({ keys: [jwk] }),
    );
  });

  const rejection = async (token: string): Promise<TokenRejectedError> => {
    const e: unknown = await sut.verify(token).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof TokenRejectedError)) throw new Error(`expected a TokenRejectedError, got ${String(e)}`);
    return e;
  };

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
});

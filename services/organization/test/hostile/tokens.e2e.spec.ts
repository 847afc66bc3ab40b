import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { claimsOf, passwordGrant, TEST_REALM, waitUntil } from '@vanguard/testing';
import { organizationConfig } from '../../src/organization.config';
import { createOrganizationTestApp } from '../support/organization-test-app';

/**
 * Tokens Keycloak really signed for the API's audience, but from clients, of kinds or after
 * sign-ins the API must not honour. The service trusts the test realm here, which holds the
 * demo realm's clients and users plus the test-only clients the demo realm must not contain.
 */
describe('hostile tokens', () => {
  const infra = infraConfig();
  const base = organizationConfig(infra, 'test');
  const issuer = `${infra.keycloakUrl}/realms/${TEST_REALM}`;
  let app: INestApplication;

  const signIn = async (username: string, clientId: string, scope?: string) => {
    const { status, body } = await passwordGrant(username, { realm: TEST_REALM, clientId, ...(scope ? { scope } : {}) });
    if (status !== 200 || !body.access_token) throw new Error(`sign-in refused: ${body.error_description ?? status}`);
    return body;
  };
  const me = (token: string) => request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    app = await createOrganizationTestApp({
      keycloak: { ...base.keycloak, issuer, jwksUri: `${issuer}/protocol/openid-connect/certs`, clockToleranceSec: 0 },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts the console’s access token (the allowed clients still get in)', async () => {
    const { access_token } = await signIn('county.organizer', 'vanguard-console');

    const res = await me(access_token!);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'county.organizer' });
  });

  // Not vanguard-short-lived: its token lives 1 s and expiry is checked first, so a loaded CI
  // machine answered TOKEN_EXPIRED; it is off the allow-list all the same, and its own test is the expiry's.
  it.each(['vanguard-test-foreign', 'vanguard-test-id-audience'])(
    'answers 401 naming the client to an access token of %s, a client that is not on the allow-list',
    async (clientId) => {
      const { access_token } = await signIn('county.organizer', clientId);
      expect(claimsOf(access_token!)).toMatchObject({ typ: 'Bearer', azp: clientId, aud: expect.arrayContaining(['vanguard-api']) });

      const res = await me(access_token!);

      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'AUTH.CLIENT_NOT_ALLOWED' });
      expect(res.body.message).toContain(`"${clientId}"`);
    },
  );

  it('answers 401 to an ID token even though it names the API as its audience', async () => {
    const { id_token } = await signIn('county.organizer', 'vanguard-test-id-audience', 'openid');
    expect(claimsOf(id_token!)).toMatchObject({ typ: 'ID', aud: expect.arrayContaining(['vanguard-api']) });

    const res = await me(id_token!);

    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'AUTH.TOKEN_TYPE' });
    expect(res.body.message).toContain('"ID"');
  });

  it('answers 401 to a refresh token', async () => {
    const { refresh_token } = await signIn('county.organizer', 'vanguard-console');
    expect(claimsOf(refresh_token!)).toMatchObject({ typ: 'Refresh' });

    const res = await me(refresh_token!);

    expect(res.status).toBe(401);
  });

  it('answers 401 to a real token once it has expired', async () => {
    const { access_token } = await signIn('county.organizer', 'vanguard-short-lived');
    const exp = Number(claimsOf(access_token!)['exp']);
    await waitUntil('the 1-second token to expire', () => Date.now() / 1000 > exp + 1, { timeoutMs: 10_000, intervalMs: 100 });

    const res = await me(access_token!);

    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('the demo realm that `npm start` serves holds none of the test-only clients', async () => {
    for (const clientId of ['vanguard-short-lived', 'vanguard-test-foreign', 'vanguard-test-id-audience']) {
      const { status, body } = await passwordGrant('county.organizer', { clientId });

      expect({ clientId, status, error: body.error }).toEqual({ clientId, status: 401, error: 'invalid_client' });
    }
  });
});

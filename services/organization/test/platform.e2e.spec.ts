import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { claimsOf, tokenFor, serviceTokenFor } from '@vanguard/testing';
import { organizationConfig } from '../src/organization.config';
import { OrganizationModule } from '../src/organization.module';

// The organization service against the real Postgres, Kafka and Keycloak: every way a
// caller can present (or fail to present) a token, and the platform endpoints.
describe('organization service platform', () => {
  let app: INestApplication;
  const config = organizationConfig(infraConfig(), 'test');

  beforeAll(async () => {
    // No skew tolerance, so a 1-second token is expired one second later.
    const moduleRef = await Test.createTestingModule({
      imports: [OrganizationModule.register({ ...config, keycloak: { ...config.keycloak, clockToleranceSec: 0 } })],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.init();
  });
  afterAll(() => app.close());

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      const res = await request(app.getHttpServer()).get('/me');

      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
    });

    it('answers 401 to a token signed by a key that is not the realm’s', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = await exportJWK(publicKey);
      const forged = await new SignJWT({ realm_access: { roles: ['admin'] }, org_id: 'x', typ: 'Bearer' })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? 'forged-key' })
        .setIssuer(config.keycloak.issuer)
        .setAudience(config.keycloak.audience)
        .setSubject('intruder')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);

      const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${forged}`);

      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    });

    // A real expired token comes from the test realm's short-lived client: test/hostile/tokens.e2e.spec.ts.

    it('answers 401 to garbage in the bearer header', async () => {
      const res = await request(app.getHttpServer()).get('/me').set('Authorization', 'Bearer not.a.jwt');

      expect(res.status).toBe(401);
    });

    it('accepts a valid Keycloak token and exposes the principal with its org_id', async () => {
      const token = await tokenFor('township.secretary');

      const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        sub: claimsOf(token)['sub'],
        username: 'township.secretary',
        roles: ['branch_secretary'],
        orgId: '00000000-0000-4000-8000-000910425101',
        kind: 'user',
      });
    });

    it('knows a county system by its service account', async () => {
      const token = await serviceTokenFor('county-songling');

      const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ kind: 'service', roles: ['county_system'], orgId: '00000000-0000-4000-8000-000000910425' });
    });

    it('answers 403 to a valid token that lacks every allowed role', async () => {
      const token = await tokenFor('no.role');

      const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);

      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'AUTH.ROLE_REQUIRED' });
    });
  });

  describe('platform endpoints', () => {
    it('is ready when Postgres, Kafka and Keycloak all answer', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready');

      expect(res.status).toBe(200);
      expect(res.body.details).toEqual({ postgres: { status: 'up' }, kafka: { status: 'up' }, keycloak: { status: 'up' } });
    });

    it('is live without a token', async () => {
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    });

    it('serves Prometheus metrics, including its own HTTP histogram', async () => {
      await request(app.getHttpServer()).get('/health/live');

      const res = await request(app.getHttpServer()).get('/metrics');

      expect(res.status).toBe(200);
      expect(res.text).toContain('http_request_duration_seconds_bucket');
      expect(res.text).toContain('process_resident_memory_bytes');
    });

    it('publishes its OpenAPI document with bearer auth', async () => {
      const res = await request(app.getHttpServer()).get('/docs/openapi.json');

      expect(res.status).toBe(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.body.paths).toHaveProperty(['/me']);
      expect(res.body.components.securitySchemes).toHaveProperty('bearer');
    });

    it('echoes the caller’s correlation id', async () => {
      const res = await request(app.getHttpServer()).get('/health/live').set('x-correlation-id', 'county-sync-42');

      expect(res.headers['x-correlation-id']).toBe('county-sync-42');
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const token = await tokenFor('county.organizer');

      const res = await request(app.getHttpServer())
        .post('/me')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send('{"name":');

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'REQUEST.MALFORMED' });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('answers a path it cannot decode (%ff) with 400 naming the path, in its own words, with a correlation id', async () => {
      const token = await tokenFor('county.organizer');

      const res = await request(app.getHttpServer()).get('/organizations/%ff%fe').set('Authorization', `Bearer ${token}`);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'path' }], correlationId: expect.any(String) });
      expect(res.headers['x-correlation-id']).toBe(res.body.correlationId);
      expect(JSON.stringify(res.body)).not.toContain('Failed to decode');
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');

// The organization service keeps Idempotency-Key answers as evaluation does (libs/http, ADR 0072;
// the behaviour under fifty copies: services/evaluation/test/idempotency-key.e2e.spec.ts).
describe('Idempotency-Key on the organization service (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let token: string;

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    token = await tokenFor('county.organizer');
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('an organisation sent again with its key is answered as the first time and registered once', async () => {
    const code = childCode('910425101');
    const body = {
      code,
      name: `幂等村 ${code}`,
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      parentId: BAIHUA,
      establishedOn: '2005-01-01',
    };
    const key = randomUUID();
    const send = () =>
      request(app.getHttpServer()).post('/organizations').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send(body);
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const { rows } = await db.query(`select count(*)::int n from organization.organizations where code = $1`, [code]);
    expect(rows).toEqual([{ n: 1 }]);
    // Without the key, the copy is the duplicate it is.
    const plain = await request(app.getHttpServer()).post('/organizations').set('Authorization', `Bearer ${token}`).send(body);
    expect(plain.status).toBe(409);
  });

  it('the OpenAPI document offers the header on commands', async () => {
    const doc = await request(app.getHttpServer()).get('/docs/openapi.json');
    const params = (doc.body.paths['/organizations'].post.parameters ?? []) as { name: string; in: string }[];
    expect(params).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
  });
});

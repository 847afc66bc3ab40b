import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { RegisterOrganizationHandler } from '../src/application/commands/register-organization/register-organization.handler';
import { createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';

/**
 * A new province lies outside its registrar's own subtree. The answer is the organisation as
 * stored, not a scoped read after the commit, which refused it: a 403 for a registration that
 * had been stored. In a schema of its own, so no other suite sees the extra root.
 */
describe(`${RegisterOrganizationHandler.name} (a new root)`, () => {
  let db: TestSchema;
  let sut: INestApplication;
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_register_root');
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
  });
  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  const province = {
    code: '92',
    name: '新设省',
    level: 'province',
    kind: 'committee',
    sector: 'government_organ',
    establishedOn: '2011-01-01',
  };

  it('answers an administrator of a province 201 with the new province as stored', async () => {
    const res = await http()
      .post('/organizations')
      .set({ Authorization: `Bearer ${await tokenFor('admin.user')}` })
      .send({ ...province, parentId: null });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: '92', parentId: null, level: 'province', status: 'active', path: [res.body.id] });
    const { rows } = await db.pool.query(`select code, parent_id, path from organizations where id = $1`, [res.body.id]);
    expect(rows).toEqual([{ code: '92', parent_id: null, path: `/${res.body.id}/` }]);
  });

  it('refuses an organiser of the province (403) and stores nothing', async () => {
    const res = await http()
      .post('/organizations')
      .set({ Authorization: `Bearer ${await tokenFor('province.organizer')}` })
      .send({ ...province, code: '93', parentId: null });

    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'AUTH.OUT_OF_SCOPE' });
    expect((await db.pool.query(`select 1 from organizations where code = '93'`)).rowCount).toBe(0);
  });
});

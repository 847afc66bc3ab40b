import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { serviceTokenFor, tokenFor } from '@vanguard/testing';
import { OrganizationsHttpController } from '../src/interface/http/organizations.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { everyPage } from './support/every-page';

const PROVINCE = demoOrgId('91');
const COUNTY = demoOrgId('910425');
const OTHER_COUNTY = demoOrgId('910426');
const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');
const HONGSHI = demoOrgId('910425101201');

describe(OrganizationsHttpController.name, () => {
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    for (const u of [
      'county.organizer',
      'township.secretary',
      'other.township.secretary',
      'province.auditor',
      'admin.user',
      'no.role',
      'village.secretary',
    ]) {
      tokens[u] = await tokenFor(u);
    }
    tokens['county-songling'] = await serviceTokenFor('county-songling');
    tokens['county-hekou'] = await serviceTokenFor('county-hekou');
  });
  afterAll(() => sut.close());

  const register = (user: string, body: Record<string, unknown>) =>
    request(sut.getHttpServer()).post('/organizations').set(as(user)).send(body);
  const village = (parentId: string, parentCode: string, extra: Record<string, unknown> = {}) => ({
    code: childCode(parentCode),
    name: `测试村${Math.random().toString(36).slice(2, 6)}`,
    level: 'village',
    kind: 'branch',
    sector: 'rural',
    parentId,
    establishedOn: '2010-07-01',
    ...extra,
  });

  describe('access', () => {
    it('answers 401 without a token', async () => {
      const res = await request(sut.getHttpServer()).get(`/organizations/${COUNTY}`);
      expect(res.status).toBe(401);
    });

    it('lets a county organiser see the whole county, both townships included', async () => {
      const ids = (await everyPage<{ id: string }>(sut, '/organizations', {}, as('county.organizer'))).map((o) => o.id);

      expect(ids).toEqual(expect.arrayContaining([COUNTY, BAIHUA, HEKOU_TOWN, HONGSHI]));
      expect(ids).not.toContain(OTHER_COUNTY);
      expect(ids).not.toContain(PROVINCE);
    });

    it('refuses a township secretary reading another township (403)', async () => {
      const res = await request(sut.getHttpServer()).get(`/organizations/${HEKOU_TOWN}`).set(as('township.secretary'));

      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.OUT_OF_SCOPE');
    });

    it('lets a township secretary read their own township and the village below it', async () => {
      const own = await request(sut.getHttpServer()).get(`/organizations/${BAIHUA}`).set(as('township.secretary'));
      const below = await request(sut.getHttpServer()).get(`/organizations/${HONGSHI}`).set(as('township.secretary'));

      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: BAIHUA, code: '910425101', name: '白桦镇', level: 'township' });
      expect(below.status).toBe(200);
    });

    it('refuses a township secretary listing another township’s subtree (403)', async () => {
      const res = await request(sut.getHttpServer()).get('/organizations').query({ subtreeOf: BAIHUA }).set(as('other.township.secretary'));
      expect(res.status).toBe(403);
    });

    it('refuses a township secretary changing the tree, which is the organisation department’s (403)', async () => {
      const res = await request(sut.getHttpServer())
        .patch(`/organizations/${HEKOU_TOWN}/name`)
        .set(as('township.secretary'))
        .send({ name: 'x' });
      expect(res.status).toBe(403);
    });

    it('lets an auditor read the province but not write (403)', async () => {
      const read = await request(sut.getHttpServer()).get(`/organizations/${COUNTY}`).set(as('province.auditor'));
      const write = await register('province.auditor', village(HONGSHI, '910425101201'));

      expect(read.status).toBe(200);
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('AUTH.ROLE_REQUIRED');
    });

    it('refuses a user without a role (403)', async () => {
      const res = await request(sut.getHttpServer()).get(`/organizations/${COUNTY}`).set(as('no.role'));
      expect(res.status).toBe(403);
    });

    it('holds a county system client to its own county', async () => {
      const own = await register('county-songling', village(HONGSHI, '910425101201'));
      const other = await register('county-hekou', village(HONGSHI, '910425101201'));
      const read = await request(sut.getHttpServer()).get(`/organizations/${BAIHUA}`).set(as('county-hekou'));

      expect(own.status).toBe(201);
      expect(other.status).toBe(403);
      expect(read.status).toBe(403);
    });

    it('refuses a county organiser registering under another county (403)', async () => {
      const res = await register('county.organizer', { ...village(OTHER_COUNTY, '910426'), level: 'township', kind: 'committee' });
      expect(res.status).toBe(403);
    });
  });

  describe('tree', () => {
    it('registers an organisation and shows it in the subtree and with its ancestors', async () => {
      const body = village(BAIHUA, '910425101', { temporary: true, sector: 'private_enterprise' });

      const created = await register('county.organizer', body);

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: body.code, level: 'village', parentId: BAIHUA, temporary: true, status: 'active' });
      expect(created.body.path).toEqual([PROVINCE, demoOrgId('9104'), COUNTY, BAIHUA, created.body.id]);
      const ancestors = await request(sut.getHttpServer()).get(`/organizations/${created.body.id}/ancestors`).set(as('township.secretary'));
      expect(ancestors.body.map((o: { code: string }) => o.code)).toEqual(['91', '9104', '910425', '910425101']);
      const filtered = await everyPage<{ id: string; sector: string }>(
        sut,
        '/organizations',
        { subtreeOf: BAIHUA, sector: 'private_enterprise' },
        as('township.secretary'),
      );
      expect(filtered.map((o) => o.id)).toContain(created.body.id);
      expect(filtered.every((o) => o.sector === 'private_enterprise')).toBe(true);
    });

    it('pages through a subtree with the cursor, in code order, without repeats', async () => {
      const parent = await register('county.organizer', { ...village(BAIHUA, '910425101'), kind: 'general_branch' });
      for (let i = 0; i < 5; i++) await register('county.organizer', village(parent.body.id, parent.body.code as string));

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(sut.getHttpServer())
          .get(`/organizations/${parent.body.id}/subtree`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(as('county.organizer'));
        seen.push(...res.body.items.map((o: { code: string }) => o.code));
        cursor = res.body.nextCursor;
      } while (cursor);

      expect(seen).toHaveLength(6);
      expect([...seen].sort()).toEqual(seen);
    });

    it('answers 409 to a duplicate code', async () => {
      const body = village(BAIHUA, '910425101');
      await register('county.organizer', body);

      const res = await register('county.organizer', { ...body, name: 'another' });

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORGANIZATION.CODE_TAKEN');
    });

    it('moves an organisation with its subtree, rewriting codes and paths', async () => {
      const branch = await register('county.organizer', { ...village(BAIHUA, '910425101'), kind: 'general_branch' });
      const leaf = await register('county.organizer', village(branch.body.id, branch.body.code as string));

      const res = await request(sut.getHttpServer())
        .post(`/organizations/${branch.body.id}/move`)
        .set(as('county.organizer'))
        .send({ parentId: HEKOU_TOWN });

      expect(res.status).toBe(204);
      const moved = await request(sut.getHttpServer()).get(`/organizations/${leaf.body.id}`).set(as('county.organizer'));
      expect(moved.body.code.startsWith('910425102')).toBe(true);
      expect(moved.body.path).toEqual([PROVINCE, demoOrgId('9104'), COUNTY, HEKOU_TOWN, branch.body.id, leaf.body.id]);
      const oldSecretary = await request(sut.getHttpServer()).get(`/organizations/${leaf.body.id}`).set(as('township.secretary'));
      expect(oldSecretary.status).toBe(403);
    });

    it('answers 409 to a move that would make a cycle', async () => {
      const branch = await register('county.organizer', { ...village(BAIHUA, '910425101'), kind: 'general_branch' });
      const leaf = await register('county.organizer', village(branch.body.id, branch.body.code as string));

      const res = await request(sut.getHttpServer())
        .post(`/organizations/${branch.body.id}/move`)
        .set(as('county.organizer'))
        .send({ parentId: leaf.body.id });

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORGANIZATION.MOVE_CYCLE');
    });

    it('renames, then dissolves an empty organisation', async () => {
      const org = await register('county.organizer', village(BAIHUA, '910425101'));

      const renamed = await request(sut.getHttpServer())
        .patch(`/organizations/${org.body.id}/name`)
        .set(as('county.organizer'))
        .send({ name: '新名称党支部' });
      const dissolved = await request(sut.getHttpServer())
        .post(`/organizations/${org.body.id}/dissolve`)
        .set(as('county.organizer'))
        .send({ reason: '项目结束' });

      expect(renamed.status).toBe(204);
      expect(dissolved.status).toBe(204);
      const after = await request(sut.getHttpServer()).get(`/organizations/${org.body.id}`).set(as('county.organizer'));
      expect(after.body).toMatchObject({ name: '新名称党支部', status: 'dissolved' });
    });

    it('merges an organisation into another; the members follow', async () => {
      const a = await register('county.organizer', village(BAIHUA, '910425101'));
      const b = await register('county.organizer', village(BAIHUA, '910425101'));
      const m = await request(sut.getHttpServer())
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: a.body.id, name: '王合并', status: 'full', joinedOn: '2001-07-01' });

      const res = await request(sut.getHttpServer())
        .post(`/organizations/${a.body.id}/merge`)
        .set(as('county.organizer'))
        .send({ survivingOrganizationId: b.body.id });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ membersMoved: 1 });
      const member = await request(sut.getHttpServer()).get(`/members/${m.body.id}`).set(as('county.organizer'));
      expect(member.body.orgId).toBe(b.body.id);
      const merged = await request(sut.getHttpServer()).get(`/organizations/${a.body.id}`).set(as('county.organizer'));
      expect(merged.body).toMatchObject({ status: 'merged', mergedIntoId: b.body.id });
    });
  });

  describe('bad input', () => {
    it('answers 400 naming each bad field', async () => {
      const res = await register('county.organizer', {
        code: '12a',
        name: '',
        level: 'galaxy',
        kind: 'branch',
        sector: 'rural',
        parentId: 'nope',
        establishedOn: '2010-13-45',
      });

      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['code', 'name', 'level', 'parentId', 'establishedOn']));
    });

    it('answers 400 to a malformed id in the path', async () => {
      const res = await request(sut.getHttpServer()).get('/organizations/not-a-uuid').set(as('county.organizer'));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'id', reason: '须为 UUID / id must be a UUID' }]);
    });

    it('answers 404 to an unknown id', async () => {
      const res = await request(sut.getHttpServer()).get('/organizations/7b0e3c1e-1111-4222-8333-444455556666').set(as('admin.user'));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ORGANIZATION.NOT_FOUND');
    });

    it('answers 422 when the code does not extend the parent’s', async () => {
      const res = await register('county.organizer', { ...village(BAIHUA, '910425101'), code: '12345678901234' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ORGANIZATION.CODE_NOT_UNDER_PARENT');
    });

    it('answers 422 to dissolving an organisation that still has members', async () => {
      const org = await register('county.organizer', village(BAIHUA, '910425101'));
      await request(sut.getHttpServer())
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: org.body.id, name: '李留守', status: 'full', joinedOn: '1999-07-01' });

      const res = await request(sut.getHttpServer()).post(`/organizations/${org.body.id}/dissolve`).set(as('county.organizer')).send({});

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('ORGANIZATION.HAS_MEMBERS');
    });

    it.each([
      ['/organizations', 'bm90LWEtY29kZQ'],
      ['/members', 'bm90LWEtdXVpZA'],
      ['/transfers', 'bm90LWEtdXVpZA'],
      ['/contact-points', '%%%'],
    ])('answers 400, not 500, to a forged cursor on %s', async (path, cursor) => {
      const res = await request(sut.getHttpServer()).get(path).query({ cursor }).set(as('county.organizer'));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('REQUEST.CURSOR_INVALID');
    });

    it('answers 400 naming the bad query parameters', async () => {
      const res = await request(sut.getHttpServer())
        .get('/organizations')
        .query({ limit: 'many', level: 'galaxy' })
        .set(as('county.organizer'));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['limit', 'level']));
    });

    it('answers 400, not 500, to malformed JSON', async () => {
      const res = await request(sut.getHttpServer())
        .post('/organizations')
        .set(as('county.organizer'))
        .set('Content-Type', 'application/json')
        .send('{"code":');
      expect(res.status).toBe(400);
    });
  });
});

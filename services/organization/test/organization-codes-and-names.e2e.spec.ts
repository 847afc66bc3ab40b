import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { finishedJob } from './support/roster-fixtures';

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
/** The probe's name: a contact person's phone and ID-card number, on a page anyone can read. */
const NUMBERED_NAME = '联系人张三13800138000身份证110105194912310021';

/**
 * A move may not take a descendant's code past 30 digits, and an organisation's name (published,
 * e.g. on assistance's public village page) may not carry a phone or ID-card number, whether it is
 * registered, renamed or imported.
 */
describe('organisation codes and names', () => {
  let sut: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(sut.getHttpServer());
  const register = (body: Record<string, unknown>) => http().post('/organizations').set(auth).send(body);
  const get = async (id: string) =>
    (await http().get(`/organizations/${id}`).set(auth)).body as { code: string; name: string; path: string[] };

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(() => sut.close());

  /** A township with a village below it: the village's code is 9 digits longer than the township's. */
  const townshipWithVillage = async () => {
    const town = await register({
      parentId: COUNTY,
      code: childCode('910425'),
      name: '代码测试镇',
      level: 'township',
      kind: 'committee',
      sector: 'rural',
      establishedOn: '2001-01-01',
    });
    expect(town.status).toBe(201);
    const village = await register({
      parentId: town.body.id,
      code: childCode(town.body.code as string),
      name: '代码测试村',
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      establishedOn: '2001-01-01',
    });
    expect(village.status).toBe(201);
    return { town: town.body as { id: string; code: string }, village: village.body as { id: string; code: string } };
  };

  it('answers 422 to a move whose new code would take a descendant past 30 digits, naming it, and changes nothing', async () => {
    const { town, village } = await townshipWithVillage();
    const newCode = childCode('910425', 24);
    const before = await get(village.id);

    const res = await http().post(`/organizations/${town.id}/move`).set(auth).send({ parentId: COUNTY, code: newCode });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ORGANIZATION.DESCENDANT_CODE_TOO_LONG' });
    expect(res.body.message).toContain(`${newCode}${village.code.slice(town.code.length)}`);
    expect(await get(town.id)).toMatchObject({ code: town.code });
    expect(await get(village.id)).toEqual(before);
  });

  it('moves with a new code that keeps every descendant within 30 digits, rewriting theirs', async () => {
    const { town, village } = await townshipWithVillage();
    const newCode = childCode('910425', 15);

    const res = await http().post(`/organizations/${town.id}/move`).set(auth).send({ parentId: COUNTY, code: newCode });

    expect(res.status).toBe(204);
    expect((await get(village.id)).code).toBe(`${newCode}${village.code.slice(town.code.length)}`);
  });

  it('answers 400 naming the name to registering or renaming with a phone or ID-card number, and stores neither', async () => {
    const code = childCode('910425101');
    const village = { parentId: BAIHUA, code, level: 'village', kind: 'branch', sector: 'rural', establishedOn: '2001-01-01' };

    const created = await register({ ...village, name: NUMBERED_NAME });
    const clean = await register({ ...village, name: '红石新村党支部' });
    const renamed = await http().patch(`/organizations/${clean.body.id}/name`).set(auth).send({ name: '红石新村联系电话 138 0013 8000' });

    const refusal = {
      statusCode: 400,
      code: 'ORGANIZATION.NAME_HAS_PERSONAL_NUMBER',
      errors: [{ field: 'name', reason: expect.stringContaining('must not contain an ID-card number or a phone number') }],
    };
    expect(created.body).toMatchObject(refusal);
    // The code was free after the refusal: nothing was stored under it.
    expect(clean.status).toBe(201);
    expect(renamed.body).toMatchObject(refusal);
    expect((await get(clean.body.id as string)).name).toBe('红石新村党支部');
  });

  it('answers 400 naming the name to registering or renaming with markup, and stores neither', async () => {
    const village = { parentId: BAIHUA, level: 'village', kind: 'branch', sector: 'rural', establishedOn: '2001-01-01' };
    const created = await register({ ...village, code: childCode('910425101'), name: '红石新村<script>x</script>' });
    const clean = await register({ ...village, code: childCode('910425101'), name: '红石二村党支部' });
    const renamed = await http().patch(`/organizations/${clean.body.id}/name`).set(auth).send({ name: '<b>红石二村</b>' });

    const refusal = { statusCode: 400, code: 'ORGANIZATION.NAME_NOT_PLAIN_TEXT', errors: [{ field: 'name', reason: expect.any(String) }] };
    expect(created.body).toMatchObject(refusal);
    expect(renamed.body).toMatchObject(refusal);
    expect((await get(clean.body.id as string)).name).toBe('红石二村党支部');
  });

  it('rejects an organisation import whose name carries one, naming its row and column, and imports nothing', async () => {
    const code = childCode('910425101');
    const csv =
      csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']) +
      csvLine([code, NUMBERED_NAME, 'village', 'branch', 'rural', '910425101', '2001-01-01', 'false']);

    const res = await http()
      .post('/imports/organizations')
      .query({ format: 'csv', dryRun: 'false' })
      .set(auth)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(202);
    const job = await finishedJob(sut, auth.Authorization.slice('Bearer '.length), res.body.id as string);

    expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(job.errors).toEqual([{ row: 2, column: 'name', reason: expect.stringContaining('must not contain an ID-card number') }]);
    const again = await register({
      parentId: BAIHUA,
      code,
      name: '导入后再登记',
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      establishedOn: '2001-01-01',
    });
    expect(again.status).toBe(201);
  });
});

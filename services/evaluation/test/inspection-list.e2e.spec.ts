import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

interface Page {
  items: { inspectionId: string; kind: string; group: { scopeOrgId: string }; units: number; unitsWithFindings: number }[];
  total: number;
}

/**
 * 督导检查列表 end to end, real Keycloak tokens: the inspections whose group's scope lies in a subtree of
 * the caller's, paged; a subtree outside the caller's is 403, bad paging a 400 naming the field.
 */
describe('inspection list (e2e)', () => {
  let app: INestApplication;
  const today = '2011-06-01';
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const get = (user: string, path: string) => http().get(path).set('Authorization', `Bearer ${tokens[user]}`);
  let scope: { township: string; villages: string[] };
  const launched: string[] = [];

  beforeAll(async () => {
    scope = await freshTownship(3);
    app = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
    for (const u of ['county.organizer', 'county.evaluator', 'township.secretary']) tokens[u] = await tokenFor(u);
    const organizer = subOf(tokens['county.organizer']!);
    const group = (scopeOrgId: string) => ({ name: '旗委督导检查组', leader: organizer, members: [organizer], scopeOrgId });
    const bodies = [
      { topic: '三会一课', group: group(scope.township), kind: 'random', count: 2, level: 'village', reason: '年度计划' },
      { topic: '组织生活会', group: group(scope.township), kind: 'special', units: [scope.villages[1]], reason: '群众反映' },
      { topic: '党费收缴', group: group(scope.villages[0]!), kind: 'special', units: [scope.villages[0]], reason: '专项检查' },
    ];
    for (const body of bodies) {
      const res = await http().post('/inspections').set('Authorization', `Bearer ${tokens['county.organizer']}`).send(body);
      expect(res.status).toBe(201);
      launched.push(res.body.inspectionId as string);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the inspections scoped in a subtree, the units below it included, a page at a time', async () => {
    const all = await waitUntil('the three inspections in the list', async () => {
      const r = await get('county.evaluator', `/inspections?subtreeOf=${scope.township}`);
      return r.status === 200 && (r.body as Page).total === 3 ? (r.body as Page) : undefined;
    });
    expect(all.items.map((i) => i.inspectionId).sort()).toEqual([...launched].sort());
    expect(all.items.find((i) => i.inspectionId === launched[0])).toMatchObject({ kind: 'random', units: 2, unitsWithFindings: 0 });

    const first = (await get('county.evaluator', `/inspections?subtreeOf=${scope.township}&limit=2`)).body as Page;
    const rest = (await get('county.evaluator', `/inspections?subtreeOf=${scope.township}&limit=2&offset=2`)).body as Page;
    expect([first.items.length, rest.items.length, first.total, rest.total]).toEqual([2, 1, 3, 3]);
    expect([...first.items, ...rest.items].map((i) => i.inspectionId)).toEqual(all.items.map((i) => i.inspectionId));

    const village = (await get('county.evaluator', `/inspections?subtreeOf=${scope.villages[0]}`)).body as Page;
    expect(village.items.map((i) => i.inspectionId)).toEqual([launched[2]]);

    // Findings recorded at the special inspection's unit count once per unit.
    const findings = [{ problem: '会议记录不全', rectification: '补齐记录', deadline: '2011-07-01' }];
    const recorded = await http()
      .post(`/inspections/${launched[1]}/findings`)
      .set('Authorization', `Bearer ${tokens['county.organizer']}`)
      .send({ orgId: scope.villages[1], summary: '现场检查', findings, reason: '现场查阅' });
    expect(recorded.status).toBe(201);
    await waitUntil('the findings counted on the inspection', async () => {
      const r = (await get('county.evaluator', `/inspections?subtreeOf=${scope.township}`)).body as Page;
      return r.items.find((i) => i.inspectionId === launched[1])?.unitsWithFindings === 1 || undefined;
    });
  });

  it('answers 403 for a subtree outside the caller’s, and leaves other subtrees’ inspections out of the caller’s own list', async () => {
    const outside = await get('township.secretary', `/inspections?subtreeOf=${scope.township}`);
    expect([outside.status, outside.body.code]).toEqual([403, 'AUTH.OUT_OF_SCOPE']);
    const own = await get('township.secretary', '/inspections?limit=200');
    expect(own.status).toBe(200);
    expect((own.body as Page).items.map((i) => i.inspectionId)).not.toEqual(expect.arrayContaining([launched[0]]));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=two', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=1000001', 'offset'],
    ['subtreeOf=not-a-uuid', 'subtreeOf'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await get('county.evaluator', `/inspections?${query}`);
    expect({ status: res.status, fields: [...new Set(res.body.errors?.map((e: { field: string }) => e.field))] }).toEqual({
      status: 400,
      fields: [field],
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { dissolveInTree, freshTownship } from './support/fresh-orgs';

const VILLAGE = demoOrgId('910425101201');

/**
 * The commands whose OpenAPI operation documents "unknown organisation" as 404 apart from "outside
 * your subtree" as 403: an id no tree holds must reach the 404, which a scope check run first made
 * unreachable (every unknown id is outside every subtree).
 */
const commands: { route: string; field: string; body: (orgId: string) => object }[] = [
  {
    route: '/benchmarks',
    field: 'orgId',
    body: (orgId) => ({
      subject: { kind: 'organization', id: orgId },
      orgId,
      target: { kind: 'organization', id: VILLAGE, name: '红石村' },
      gaps: ['差距'],
      measures: ['措施'],
      dueOn: '2031-12-31',
    }),
  },
  {
    route: '/pioneers/nominations',
    field: 'orgId',
    body: (orgId) => ({
      campaignId: randomUUID(),
      cycleId: randomUUID(),
      orgId,
      candidate: { kind: 'organization', id: orgId },
      deeds: '事迹',
    }),
  },
  {
    route: '/training-classes',
    field: 'orgId',
    body: (orgId) => ({
      orgId,
      topic: '党史学习',
      base: '党校',
      targetGroup: 'members',
      startsOn: '2031-06-20',
      endsOn: '2031-06-24',
      sessions: 2,
      reason: '年度培训',
    }),
  },
  {
    route: '/inspections',
    field: 'group.scopeOrgId',
    body: (orgId) => ({
      topic: '专项督查',
      group: { name: '督查组', leader: '甲', members: ['乙'], scopeOrgId: orgId },
      kind: 'special',
      units: [orgId],
      reason: '专项督查',
    }),
  },
];

describe('an organisation no tree holds (e2e)', () => {
  let app: INestApplication;
  let token: string;
  /** A village of a township of its own, dissolved: elsewhere for the caller, and no longer active. */
  let dissolved: string;
  const post = (route: string, body: object) => request(app.getHttpServer()).post(route).set('Authorization', `Bearer ${token}`).send(body);

  beforeAll(async () => {
    [dissolved] = (await freshTownship(1)).villages as [string];
    await dissolveInTree(dissolved);
    app = await createEvaluationTestApp(clockOn('2031-06-01'));
    token = await tokenFor('other.township.secretary');
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(commands)('$route: an unknown $field is 404 ORGANIZATION.NOT_FOUND, a real one elsewhere 403', async ({ route, body }) => {
    const unknown = await post(route, body(randomUUID()));
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'ORGANIZATION.NOT_FOUND' });
    const elsewhere = await post(route, body(VILLAGE));
    expect({ status: elsewhere.status, code: elsewhere.body.code }).toEqual({ status: 403, code: 'AUTH.OUT_OF_SCOPE' });
  });

  it.each(commands)('$route: a dissolved organisation elsewhere reads as unknown (404), as the README says', async ({ route, body }) => {
    const ceased = await post(route, body(dissolved));
    expect({ status: ceased.status, code: ceased.body.code }).toEqual({ status: 404, code: 'ORGANIZATION.NOT_FOUND' });
  });
});

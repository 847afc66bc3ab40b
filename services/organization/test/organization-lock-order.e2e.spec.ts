import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { seededRandom, tokenFor } from '@vanguard/testing';
import { MergeOrganizationHandler } from '../src/application/commands/merge-organization/merge-organization.handler';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');

/**
 * Commands that change two organisations lock them in id order: a merge of A into B racing a
 * merge of B into A used to lock A then B against B then A, and Postgres broke the deadlock
 * by failing one of them with a 500. A move locked the moved organisation, then its parents
 * (ADR 0129): against a merge of it into its parent, whose id is lower, 15 of 40 races answered 503.
 */
describe(MergeOrganizationHandler.name, () => {
  let sut: INestApplication;
  let token: string;
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    token = await tokenFor('county.organizer');
  });
  afterAll(() => sut.close());

  const village = async (): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set({ Authorization: `Bearer ${token}` })
      .send({
        code: childCode('910425101'),
        name: '合并测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const merge = (from: string, into: string) =>
    http()
      .post(`/organizations/${from}/merge`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ survivingOrganizationId: into });

  const move = (org: string, parentId: string) =>
    http()
      .post(`/organizations/${org}/move`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ parentId });

  it('answers a move racing a merge of the moved organisation, into its parent or into the new one, never with a 5xx', async () => {
    const seed = Number(process.env['ORG_LOCK_ORDER_SEED'] ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const failed: string[] = [];
    for (let round = 0; round < 30; round++) {
      const [moved, newParent] = await Promise.all([village(), village()]);
      // The parent's id (a demo id) sorts below every new one; the new parent's falls either side.
      const into = random() < 0.5 ? BAIHUA : newParent;
      const racers = [() => merge(moved, into), () => move(moved, newParent)];
      if (random() < 0.5) racers.reverse();
      const answers = await Promise.all(racers.map((send) => send()));
      for (const r of answers) if (r.status >= 500) failed.push(`round ${round}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    expect({ seed, failed }).toEqual({ seed, failed: [] });
  });

  it('refuses a move of an organisation outside the caller’s scope as before, unmoved', async () => {
    const hekou = demoOrgId('910426');
    const before = await http()
      .get(`/organizations/${hekou}`)
      .set({ Authorization: `Bearer ${await tokenFor('province.organizer')}` });

    expect(before.status).toBe(200);
    const res = await move(hekou, BAIHUA);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH.OUT_OF_SCOPE');
    const after = await http()
      .get(`/organizations/${hekou}`)
      .set({ Authorization: `Bearer ${await tokenFor('province.organizer')}` });
    expect(after.body.parentId).toBe(before.body.parentId);
  });

  it('answers crossed merges with one success and one refusal, never a 500', async () => {
    for (let round = 0; round < 12; round++) {
      const [a, b] = await Promise.all([village(), village()]);
      const answers = await Promise.all([merge(a, b), merge(b, a)]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.every((s) => s < 500)).toBe(true);
      expect(statuses.filter((s) => s < 300)).toHaveLength(1);
    }
  });
});

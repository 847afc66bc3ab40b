import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { MergeOrganizationHandler } from '../src/application/commands/merge-organization/merge-organization.handler';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');

/**
 * Commands that change two organisations lock them in id order: a merge of A into B racing a
 * merge of B into A used to lock A then B against B then A, and Postgres broke the deadlock
 * by failing one of them with a 500.
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

import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';

export const VILLAGE = demoOrgId('910425101201');

/**
 * A 群众评议 window on 红石村, open 2011-06-02 to 06-09 (the suites' clock stands on the first day),
 * opened by `token`'s holder from above; the window's id.
 */
export async function openVillageWindow(app: INestApplication, token: string, eligibleVoters: number): Promise<string> {
  const res = await request(app.getHttpServer() as Server)
    .post('/mass-evaluations')
    .set({ Authorization: `Bearer ${token}` })
    .send({
      subject: { kind: 'organization', id: VILLAGE },
      orgId: VILLAGE,
      eligibleVoters,
      opensOn: '2011-06-02',
      closesOn: '2011-06-09',
    });
  expect(res.status).toBe(201);
  return (res.body as { windowId: string }).windowId;
}

/** Issues `count` codes as JSON: the answer, for the caller to judge. */
export const issueCodes = (app: INestApplication, token: string, windowId: string, count: number) =>
  request(app.getHttpServer() as Server)
    .post(`/mass-evaluations/${windowId}/codes`)
    .set({ Authorization: `Bearer ${token}` })
    .send({ count, format: 'json' });

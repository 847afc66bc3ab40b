import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { createAuditTestApp } from './support/audit-test-app';
import { COUNTY, createSubtreeStores, instantPastEveryEvent, type SubtreeStores } from './support/subtree-stores';

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: COUNTY, kind: 'user' as const },
  orgId: COUNTY,
  correlationId: 'unknown-programme',
};

/**
 * `export?programme=<id>` bundles every commendation stream naming the programme. For a root
 * auditor a programme no event names (a mistyped id) was 200 with a bundle of no stream at all,
 * which the verifier passes: evidence of nothing that reads as verified. It is the 404 of an
 * unknown programme, as its as-of and diff answer, and in the trail with its code.
 */
describe('audit: the export of a programme no event names (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  let token: string;
  const get = (path: string, as = token) =>
    request(audit.getHttpServer())
      .get(path)
      .set({ Authorization: `Bearer ${as}` });

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_unknown_programme');
    await stores.commendationStore.append(
      'award-programme-known',
      [
        {
          type: 'commendation.AwardProgrammeLaunched',
          data: {
            programmeId: 'known',
            name: '优秀党员',
            orgId: COUNTY,
            level: 'county',
            categories: ['outstanding_member'],
            years: [2026],
            timeline: null,
            eligibilityPolicies: [],
          },
        },
      ],
      { expectedVersion: 'no_stream', context },
    );
    await instantPastEveryEvent(stores);
    audit = await createAuditTestApp({
      schemas: { evaluation: stores.evaluation.schema, commendation: stores.commendation.schema },
      orgTreeSchema: stores.evaluation.schema,
    });
    token = await tokenFor('province.auditor');
  });
  afterAll(async () => {
    await audit?.close();
    if (stores) {
      for (const schema of [stores.evaluation.schema, stores.commendation.schema])
        await stores.evaluation.pool.query(`delete from audit.log_checkpoints where store = $1`, [schema]);
      await stores.drop();
    }
  });

  it('answers 404 naming the programme, alone or beside a stream, and records the refusal', async () => {
    // A name of this run's own: the trail outlives the suite's stores, and a warm rerun reads it again.
    const nobody = `nobody-${randomUUID()}`;
    for (const path of [
      `/transparency/commendation/export?programme=${nobody}`,
      `/transparency/commendation/export?stream=award-programme-known&programme=${nobody}`,
    ]) {
      const res = await get(path);
      expect({ path, status: res.status, code: res.body.code, message: res.body.message }).toEqual({
        path,
        status: 404,
        code: 'AUDIT.NOT_FOUND',
        message: expect.stringContaining(`programme ${nobody}`),
      });
    }
    const supervisor = await tokenFor('province.audit_supervisor');
    const sub = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const trail = await get(`/audit-trail?auditor=${sub}&limit=200`, supervisor).expect(200);
    const refused = (trail.body.entries as { query: string; params: Record<string, unknown> }[]).filter(
      (e) => e.query === 'export' && e.params['programme'] === nobody,
    );
    expect(refused.map((e) => e.params['refused'])).toEqual(['AUDIT.NOT_FOUND', 'AUDIT.NOT_FOUND']);
  });

  it('still exports a programme some event names', async () => {
    const res = await get('/transparency/commendation/export?programme=known').buffer(true).expect(200);
    expect(res.headers['x-vanguard-streams']).toBe('1');
  });
});

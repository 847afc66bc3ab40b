import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { OrgTreeProjection } from '@vanguard/auth';
import { OrganizationMoved } from '@vanguard/contracts';
import { tokenFor } from '@vanguard/testing';
import { createAuditTestApp } from './support/audit-test-app';
import {
  COUNTY,
  OTHER_COUNTY,
  OTHER_PROVINCE,
  OTHER_TOWN,
  TOWN,
  VILLAGE,
  appendUnder as append,
  createSubtreeStores,
  instantPastEveryEvent,
  pledgeMade,
  type SubtreeStores,
} from './support/subtree-stores';

/**
 * GET /organizations/:orgId/as-of: every stream of both stores recorded under an organisation
 * of the subtree, each folded as of the instant — not a stream of a sibling county, not one
 * begun after the instant, not an event recorded after it; paged by stream id; the page's
 * streams in the trail; refused outside the caller's subtree (403) and on bad input (400 naming
 * the field). The tree is evaluation's copy, in this test's evaluation schema: who may ask by the
 * tree as it is now, which organisations the subtree held by the tree as it stood (ADR 0081).
 */
describe('audit: a subtree as of an instant (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  let tokens: Record<string, string>;
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(audit.getHttpServer());
  let at: string;
  const programme = 'award-programme-subtree-1';

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_subtree');
    const { evaluation, commendation, evaluationStore, commendationStore } = stores;
    await append(evaluationStore, 'pledge-town', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(evaluationStore, 'pledge-village', VILLAGE, 1, 'evaluation.PledgeMade', pledgeMade(VILLAGE));
    await append(evaluationStore, 'pledge-other-county', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await append(commendationStore, programme, COUNTY, 1, 'commendation.AwardProgrammeLaunched', {
      programmeId: 'subtree-1',
      name: '优秀党员',
      orgId: COUNTY,
      level: 'county',
      categories: ['outstanding_member'],
      years: [2026],
      timeline: null,
      eligibilityPolicies: [],
    });
    at = await instantPastEveryEvent(stores);
    await append(evaluationStore, 'pledge-town', TOWN, 2, 'evaluation.PledgePublished', {});
    await append(evaluationStore, 'pledge-late', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await append(commendationStore, programme, COUNTY, 2, 'commendation.QuotaAllocated', {
      unitOrgId: TOWN,
      category: 'outstanding_member',
      places: 2,
    });

    audit = await createAuditTestApp({
      schemas: { evaluation: evaluation.schema, commendation: commendation.schema },
      orgTreeSchema: evaluation.schema,
    });
    tokens = {};
    for (const u of ['province.auditor', 'province.audit_supervisor']) tokens[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await audit?.close();
    await stores?.drop();
  });

  it('folds every stream of the subtree in both stores as of the instant, paged by stream id, and records the page', async () => {
    const res = await http()
      .get(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}`)
      .set(as('province.auditor'))
      .expect(200);
    expect(res.body).toMatchObject({ orgId: COUNTY, asOf: at, organisations: 4, nextAfter: null });
    expect(res.body.streams).toEqual([
      {
        streamId: programme,
        context: 'commendation',
        version: 1,
        state: expect.objectContaining({ status: 'launched', orgId: COUNTY, quotas: {} }),
      },
      { streamId: 'pledge-town', context: 'evaluation', version: 1, state: expect.objectContaining({ status: 'awaiting_filing' }) },
      { streamId: 'pledge-village', context: 'evaluation', version: 1, state: expect.objectContaining({ orgId: VILLAGE }) },
    ]);

    const first = await http()
      .get(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}&limit=2`)
      .set(as('province.auditor'))
      .expect(200);
    expect(first.body.streams.map((s: { streamId: string }) => s.streamId)).toEqual([programme, 'pledge-town']);
    expect(first.body.nextAfter).toBe('pledge-town');
    const second = await http()
      .get(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}&limit=2&after=pledge-town`)
      .set(as('province.auditor'))
      .expect(200);
    expect(second.body).toMatchObject({ streams: [{ streamId: 'pledge-village' }], nextAfter: null });

    const village = await http()
      .get(`/organizations/${VILLAGE}/as-of?at=${encodeURIComponent(at)}`)
      .set(as('province.auditor'))
      .expect(200);
    expect(village.body).toMatchObject({ organisations: 1, streams: [{ streamId: 'pledge-village' }] });

    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    const trail = await http().get(`/audit-trail?auditor=${sub}&limit=20`).set(as('province.audit_supervisor')).expect(200);
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          query: 'subtree-as-of',
          streams: ['pledge-village'],
          params: { orgId: COUNTY, at, after: 'pledge-town', limit: 2 },
        }),
      ]),
    );
  });

  it('refuses an organisation outside the caller’s subtree with 403, and one the tree does not hold with 404', async () => {
    for (const [orgId, status, code] of [
      [OTHER_PROVINCE, 403, 'AUDIT.FORBIDDEN'],
      ['00000000-0000-4000-8000-00000000ffff', 404, 'AUDIT.NOT_FOUND'],
    ] as const) {
      const res = await http()
        .get(`/organizations/${orgId}/as-of?at=${encodeURIComponent(at)}`)
        .set(as('province.auditor'));
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
  });

  it('answers 503 naming the tree copy when there is none to read, not 500', async () => {
    const { commendation } = stores;
    const treeless = await createAuditTestApp({
      schemas: { evaluation: commendation.schema, commendation: commendation.schema },
      orgTreeSchema: commendation.schema,
    });
    try {
      const res = await request(treeless.getHttpServer())
        .get(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}`)
        .set(as('province.auditor'))
        .expect(503);
      expect(res.body).toMatchObject({ code: 'AUDIT.ORG_TREE_UNAVAILABLE' });
    } finally {
      await treeless.close();
    }
  });

  it('refuses bad input with 400 naming the field', async () => {
    const field = async (path: string) =>
      (await http().get(path).set(as('province.auditor')).expect(400)).body.errors?.[0]?.field as string | undefined;
    expect(await field(`/organizations/not-an-id/as-of?at=${encodeURIComponent(at)}`)).toBe('orgId');
    expect(await field(`/organizations/${COUNTY}/as-of`)).toBe('at');
    expect(await field(`/organizations/${COUNTY}/as-of?at=2026-11-30T10:00:00`)).toBe('at');
    expect(await field(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}&limit=0`)).toBe('limit');
    expect(await field(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(at)}&after=nonsense`)).toBe('after');
  });

  it('lists a village moved since under the township it belonged to at the instant, before the move and after it', async () => {
    // After `at`: instantPastEveryEvent waited until the clock had passed it. The organization service's instant.
    const movedAt = new Date().toISOString();
    await new OrgTreeProjection().apply(stores.evaluation.pool, {
      type: OrganizationMoved.type,
      streamVersion: 1,
      occurredAt: movedAt,
      recordedAt: movedAt,
      data: {
        organizationId: VILLAGE,
        parentId: OTHER_TOWN,
        previousParentId: TOWN,
        parentCode: '910425102',
        code: '910425102201',
        previousCode: '910425101201',
        movedOn: '2026-12-01',
      },
    });
    const afterMove = new Date(Date.parse(movedAt) + 1).toISOString();
    const subtree = async (orgId: string, instant: string) => {
      const res = await http()
        .get(`/organizations/${orgId}/as-of?at=${encodeURIComponent(instant)}`)
        .set(as('province.auditor'))
        .expect(200);
      const body = res.body as { organisations: number; streams: { streamId: string }[] };
      return [body.organisations, body.streams.map((s) => s.streamId)];
    };
    expect(await subtree(TOWN, at)).toEqual([2, ['pledge-town', 'pledge-village']]);
    expect(await subtree(OTHER_TOWN, at)).toEqual([1, []]);
    expect(await subtree(TOWN, afterMove)).toEqual([1, ['pledge-late', 'pledge-town']]);
    expect(await subtree(OTHER_TOWN, afterMove)).toEqual([2, ['pledge-village']]);

    // The diff lists each side by the tree at its own instant: the village's stream left one township for the other.
    const diff = async (orgId: string) => {
      const res = await http()
        .get(`/organizations/${orgId}/diff?fromAt=${encodeURIComponent(at)}&toAt=${encodeURIComponent(afterMove)}`)
        .set(as('province.auditor'))
        .expect(200);
      return (res.body as { streams: { streamId: string; change: string }[] }).streams.map((s) => [s.streamId, s.change]);
    };
    expect(await diff(TOWN)).toEqual([
      ['pledge-late', 'added'],
      ['pledge-town', 'changed'],
      ['pledge-village', 'removed'],
    ]);
    expect(await diff(OTHER_TOWN)).toEqual([['pledge-village', 'added']]);
  });
});

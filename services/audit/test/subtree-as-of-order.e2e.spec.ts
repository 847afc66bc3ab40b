import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PostgresEventStore } from '@vanguard/event-store';
import { tokenFor } from '@vanguard/testing';
import { createAuditTestApp } from './support/audit-test-app';
import { OTHER_COUNTY, OTHER_TOWN, TOWN, appendUnder, createSubtreeStores, pledgeMade, type SubtreeStores } from './support/subtree-stores';

/**
 * A stream's versions need not be recorded in time order (the appender takes its instant before
 * it waits for the stream). As of an instant a stream is the versions before the first one
 * recorded after it; the subtree page lists it under the organisation of the last of those, the
 * same versions it folds (a cold review found it listed by the last version recorded by then,
 * under an organisation the folded state never saw).
 */
describe('audit: a subtree as of an instant lists a stream by the versions it folds (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  let token: string;
  const T = (minute: number) => new Date(Date.UTC(2026, 0, 5, 2, minute)).toISOString();
  const storeAt = (minute: number) =>
    new PostgresEventStore(stores.evaluation.pool, {
      schema: stores.evaluation.schema,
      groupCommit: false,
      clock: { now: () => new Date(T(minute)) },
    });

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_subtree_order');
    // v1 under the township at :00, v2 under the other at :05, v3 under the other at :03.
    await appendUnder(storeAt(0), 'pledge-crossed', TOWN, 1, 'evaluation.PledgeMade', pledgeMade(TOWN));
    await appendUnder(storeAt(5), 'pledge-crossed', OTHER_TOWN, 2, 'evaluation.PledgePublished', {});
    await appendUnder(storeAt(3), 'pledge-crossed', OTHER_TOWN, 3, 'evaluation.PledgePublished', {});
    // Another county's stream, then its third version deleted by the database owner (triggers off): a gap.
    await appendUnder(storeAt(0), 'pledge-gapped', OTHER_COUNTY, 1, 'evaluation.PledgeMade', pledgeMade(OTHER_COUNTY));
    await appendUnder(storeAt(1), 'pledge-gapped', OTHER_COUNTY, 2, 'evaluation.PledgePublished', {});
    await appendUnder(storeAt(2), 'pledge-gapped', OTHER_COUNTY, 3, 'evaluation.PledgePublished', {});
    await appendUnder(storeAt(10), 'pledge-gapped', OTHER_COUNTY, 4, 'evaluation.PledgePublished', {});
    const owner = await stores.evaluation.pool.connect();
    try {
      await owner.query('begin');
      await owner.query('set local session_replication_role = replica');
      await owner.query(`delete from "${stores.evaluation.schema}".events where stream_id = 'pledge-gapped' and stream_version = 3`);
      await owner.query('commit');
    } finally {
      owner.release();
    }
    audit = await createAuditTestApp({
      schemas: { evaluation: stores.evaluation.schema, commendation: stores.commendation.schema },
      orgTreeSchema: stores.evaluation.schema,
    });
    token = await tokenFor('province.auditor');
  });
  afterAll(async () => {
    await audit?.close();
    await stores?.drop();
  });

  const subtree = async (orgId: string, minute: number) => {
    const res = await request(audit.getHttpServer())
      .get(`/organizations/${orgId}/as-of?at=${encodeURIComponent(T(minute))}`)
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    return (res.body as { streams: { streamId: string; version: number }[] }).streams.map((s) => [s.streamId, s.version]);
  };

  it('at :04 the stream is its first version, under the township that version was recorded under', async () => {
    expect(await subtree(TOWN, 4)).toEqual([['pledge-crossed', 1]]);
    expect(await subtree(OTHER_TOWN, 4)).toEqual([]);
  });

  it('at :02 and :06 it is where its last folded version puts it', async () => {
    expect([await subtree(TOWN, 2), await subtree(OTHER_TOWN, 2)]).toEqual([[['pledge-crossed', 1]], []]);
    expect([await subtree(TOWN, 6), await subtree(OTHER_TOWN, 6)]).toEqual([[], [['pledge-crossed', 3]]]);
  });

  it('a stream missing a version is listed and refused as broken, not left off the page', async () => {
    const res = await request(audit.getHttpServer())
      .get(`/organizations/${OTHER_COUNTY}/as-of?at=${encodeURIComponent(T(5))}`)
      .set({ Authorization: `Bearer ${token}` });
    expect([res.status, (res.body as { code?: string }).code]).toEqual([422, 'AUDIT.STREAM_BROKEN']);
  });

  it('the diff between :02 and :04 sees no move', async () => {
    const res = await request(audit.getHttpServer())
      .get(`/organizations/${OTHER_TOWN}/diff?fromAt=${encodeURIComponent(T(2))}&toAt=${encodeURIComponent(T(4))}`)
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect((res.body as { streams: unknown[] }).streams).toEqual([]);
  });
});

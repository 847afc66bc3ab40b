import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { StreamAppend } from '@vanguard/event-store';
import { tokenFor } from '@vanguard/testing';
import { MAX_PROGRAMME_NOMINATIONS } from '../src/application/audit-reader';
import { MAX_PROVED_EVENTS } from '../src/application/store-log';
import { createAuditTestApp } from './support/audit-test-app';
import { COUNTY, TOWN, createSubtreeStores, instantPastEveryEvent, pledgeMade, type SubtreeStores } from './support/subtree-stores';

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: TOWN, kind: 'user' as const },
  orgId: TOWN,
  correlationId: 'bounded',
};

/**
 * Answers whose size grows with the store are capped as the proof and the export already are: a
 * stream's completeness carries an inclusion path per event, so no more events than a proof page
 * (MAX_PROVED_EVENTS); a programme's as-of and diff fold every nomination, so no more than a
 * programme's export holds (MAX_PROGRAMME_NOMINATIONS). Past the cap, 400 naming the field and
 * where to go instead, before the work.
 */
describe('audit: answers bounded by the caps of proofs and exports (e2e)', () => {
  let stores: SubtreeStores;
  let audit: INestApplication;
  let token: string;
  let at: string;
  const get = (path: string) =>
    request(audit.getHttpServer())
      .get(path)
      .set({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    stores = await createSubtreeStores('audit_bounded');
    const { evaluationStore, commendationStore } = stores;
    const long = Array.from({ length: MAX_PROVED_EVENTS + 1 }, (_, i) =>
      i === 0 ? { type: 'evaluation.PledgeMade', data: pledgeMade(TOWN) } : { type: 'evaluation.PledgePublished', data: {} },
    );
    await evaluationStore.append('pledge-long', long, { expectedVersion: 'no_stream', context });
    await evaluationStore.append('pledge-short', long.slice(0, MAX_PROVED_EVENTS), { expectedVersion: 'no_stream', context });
    await commendationStore.append(
      'award-programme-big',
      [
        {
          type: 'commendation.AwardProgrammeLaunched',
          data: {
            programmeId: 'big',
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
    const nominations: StreamAppend[] = Array.from({ length: MAX_PROGRAMME_NOMINATIONS + 1 }, (_, i) => ({
      streamId: `nomination-big-${i}`,
      events: [
        {
          type: 'commendation.EligibilityChecked',
          data: { programmeId: 'big', nominationId: `big-${i}`, category: 'outstanding_member', eligible: true, results: [] },
        },
      ],
      options: { expectedVersion: 'no_stream', context },
    }));
    await commendationStore.appendTogether(nominations);
    at = await instantPastEveryEvent(stores);
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

  it('refuses the completeness of a stream longer than a proof page, naming the stream and the paged proof', async () => {
    const res = await get('/transparency/evaluation/completeness?stream=pledge-long').expect(400);
    expect(res.body.errors).toEqual([{ field: 'stream', reason: expect.stringContaining(`more than ${MAX_PROVED_EVENTS}`) }]);
    expect(res.body.message).toContain('fromVersion=1');
    const short = await get('/transparency/evaluation/completeness?stream=pledge-short').expect(200);
    expect(short.body.inclusion).toHaveLength(MAX_PROVED_EVENTS);
  });

  it('refuses a programme with more nominations than its export holds, as-of and diff, before folding them', async () => {
    const instant = encodeURIComponent(at);
    for (const path of [`/programmes/big/as-of?at=${instant}`, `/programmes/big/diff?fromAt=${instant}&toAt=${instant}`]) {
      const res = await get(path);
      expect({ path, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ path, status: 400, field: 'programmeId' });
    }
  });
});

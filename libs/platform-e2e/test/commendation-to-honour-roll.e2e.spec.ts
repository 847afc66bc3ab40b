import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
// The two services under test, each built as its own suites build it; neither imports the other.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a suite over two services reaches both services' test support
import {
  MovableClock,
  approvedGrade,
  createCommendationTestApp,
  julyFirstProgramme,
} from '../../../services/commendation/test/support/commendation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { closeProducer, createPublicityTestApp } from '../../../services/publicity/test/support/publicity-test-app';

// A commendation decided in the commendation service reaches the public honour roll through
// Kafka and nothing else: commendation's relay signs and publishes its events, publicity's
// consumer puts the decision on the roll and makes it an exemplar proposal, an editor publishes
// the exemplar (its story on the roll), and the awarding body's revocation takes it off the
// roll with the reason in the history.

const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');
/** The most a page of the roll or its history holds (libs/http MAX_PAGE_LIMIT). */
const PAGE = 200;
/** Entries already on the roll, decided later than this suite's: more than a page, so its entry is not on the first. */
const BACKLOG = PAGE + 50;

describe('from a decision in commendation to the honour roll in publicity (e2e)', () => {
  const clock = new MovableClock('2011-04-15');
  let commendation: INestApplication;
  let publicity: INestApplication;
  let publicitySchema: TestSchema;
  let facts: Pool;
  const t: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${t[user]}` });
  const inCommendation = () => request(commendation.getHttpServer());
  const inPublicity = () => request(publicity.getHttpServer());

  /**
   * Every item of a public listing (the roll, or its history), page by page. All pages must come
   * at one version (ETag) with one total, and add up to it: otherwise the listing changed during
   * the walk and an item may have moved past a page's edge, so the walk is taken again.
   */
  const wholeListing = <T>(path: string): Promise<T[]> =>
    waitUntil(
      `every page of ${path} at one version`,
      async () => {
        const items: T[] = [];
        let first: { etag: string; total: number } | undefined;
        for (let offset = 0; ; offset += PAGE) {
          const res = await inPublicity().get(`${path}?limit=${PAGE}&offset=${offset}`);
          // 429 included: the roll's per-address budget applies to this test's address too.
          if (res.status !== 200 || typeof res.headers['etag'] !== 'string') throw new Error(`${path} offset ${offset}: ${res.status}`);
          const at = { etag: res.headers['etag'], total: Number(res.body.total) };
          first ??= at;
          if (at.etag !== first.etag || at.total !== first.total)
            throw new Error(`changed during the walk: ${JSON.stringify([first, at])}`);
          items.push(...(res.body.items as T[]));
          if (offset + PAGE >= at.total) break;
        }
        if (items.length !== first.total) throw new Error(`${items.length} items of ${first.total}`);
        return items;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

  beforeAll(async () => {
    // Publicity first: its group starts at the topics' ends, before anything is relayed.
    ({ app: publicity, schema: publicitySchema } = await createPublicityTestApp('roll_chain'));
    // A relay of this suite's own, under a name kept from run to run: its checkpoint in the test
    // database means it publishes what was appended since its last run (this suite's events, and
    // any other suite's since), not the store's whole history again each time.
    commendation = await createCommendationTestApp(clock, { relay: { enabled: true, name: 'platform-e2e.honour-roll' } });
    facts = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
    for (const u of ['county.organizer', 'township.organizer', 'village.secretary', 'county.editor']) t[u] = await tokenFor(u);
    // What a shared test database's relay backlog brings: other suites' decisions, decided later
    // than this suite's (the roll puts the latest first), so its entry is found only past the
    // first page. Written before anything reads the roll, with the version moved as a change does.
    await publicitySchema.pool.query(
      `with backlog as (
         insert into commendations (nomination_id, programme_id, category, nominee_kind, nominee_id, name, org_id, org_name, document_number, decided_on)
         select gen_random_uuid(), gen_random_uuid(), 'outstanding_member', 'member', gen_random_uuid(), '积压' || n, $1, '白花村',
                '积压〔2012〕' || n || '号', date '2012-01-01' + n
           from generate_series(1, $2::int) n
         returning 1)
       update honour_roll_state set version = version + 1, changed_at = now() where id = 1`,
      [BAIHUA, BACKLOG],
    );
  }, 120_000);

  afterAll(async () => {
    await commendation?.close();
    await publicity?.close();
    await closeProducer();
    await publicitySchema?.drop();
    await facts?.end();
  });

  it('decided → on the roll and proposed → published with its story → revoked off it, with the reason in the history', async () => {
    const launched = await inCommendation()
      .post('/programmes')
      .set(as('county.organizer'))
      .send(julyFirstProgramme(`e2e 光荣榜 ${randomUUID().slice(0, 6)}`))
      .expect(201);
    const programmeId = launched.body.programmeId as string;
    await inCommendation()
      .post(`/programmes/${programmeId}/quotas`)
      .set(as('county.organizer'))
      .send({ unitOrgId: BAIHUA, category: 'outstanding_member', places: 1 })
      .expect(200);

    clock.day = '2011-04-20';
    const memberId = randomUUID();
    await approvedGrade(facts, memberId, 'excellent');
    const nominated = await inCommendation()
      .post('/nominations')
      .set(as('village.secretary'))
      .send({
        programmeId,
        category: 'outstanding_member',
        nominee: { kind: 'member', id: memberId, name: '郑秀英', orgId: HONGSHI },
        deeds: { summary: '郑秀英带头办起合作社', record: '郑秀英的主要事迹……' },
      })
      .expect(201);
    const nominationId = nominated.body.nominationId as string;

    clock.day = '2011-05-15';
    await inCommendation()
      .post(`/nominations/${nominationId}/endorse`)
      .set(as('township.organizer'))
      .send({ reason: '同意上报' })
      .expect(200);
    await inCommendation().post(`/nominations/${nominationId}/endorse`).set(as('county.organizer')).send({ reason: '同意' }).expect(200);
    await waitUntil(
      'the nomination shortlisted on the board',
      async () =>
        (await facts.query(`select 1 from nomination_view where nomination_id = $1 and status = 'shortlisted'`, [nominationId]))
          .rowCount === 1,
    );
    clock.day = '2011-06-01';
    await inCommendation().post(`/programmes/${programmeId}/notice`).set(as('county.organizer')).send({}).expect(200);
    // Past the notice's end however the shared calendar counts 端午节.
    clock.day = '2011-06-20';
    const documentNumber = `松组发〔2011〕${randomInt(100, 1_000_000)}号`;
    await inCommendation().post(`/nominations/${nominationId}/decide`).set(as('county.organizer')).send({ documentNumber }).expect(200);

    // Through the relay and the topic only: publicity has no other way to learn of it.
    const proposal = await waitUntil(
      'the exemplar proposal in publicity',
      async () =>
        (await publicitySchema.pool.query<{ id: string }>(`select id from exemplars where nomination_id = $1`, [nominationId])).rows[0]?.id,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    // The whole roll, not a page of it: a look at the first page alone would miss the entry behind the backlog.
    const onRoll = async () =>
      (await wholeListing<{ documentNumber?: string }>('/honour-roll')).filter((i) => i.documentNumber === documentNumber);
    // On the roll once decided; the editor's published exemplar gives it its story.
    const entry = { kind: 'commendation', name: '郑秀英', category: 'outstanding_member', documentNumber, on: '2011-06-20' };
    expect(await onRoll()).toEqual([expect.objectContaining({ ...entry, story: null })]);
    await inPublicity().patch(`/exemplars/${proposal}`).set(as('county.editor')).send({ story: '<p>带头办起合作社</p>' }).expect(200);
    await inPublicity().post(`/exemplars/${proposal}/accept`).set(as('county.editor')).expect(200);
    expect(await onRoll()).toEqual([expect.objectContaining({ ...entry, story: '<p>带头办起合作社</p>' })]);

    clock.day = '2011-07-01';
    const reason = '经查，事迹材料失实';
    await inCommendation().post(`/nominations/${nominationId}/revoke`).set(as('county.organizer')).send({ reason }).expect(200);
    // Polled gently: the roll's per-address limit applies to the test's address too.
    await waitUntil('the roll without the revoked commendation', async () => (await onRoll()).length === 0, {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(await wholeListing('/honour-roll/history')).toContainEqual(
      expect.objectContaining({ change: 'revoked', name: '郑秀英', documentNumber, reason, at: expect.stringMatching(/Z$/) }),
    );
  }, 240_000);
});

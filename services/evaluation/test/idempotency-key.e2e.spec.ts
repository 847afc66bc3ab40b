import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');
const COPIES = 50;

/** Yields to the event loop a random number of turns: the copies overlap differently every round. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

// A client that lost the answer to "make this pledge" sends it again: with an Idempotency-Key the
// platform makes it once, however many copies arrive and however they overlap (ADR 0072).
describe('Idempotency-Key on commands (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let campaign: { campaignId: string; cycleId: string };
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const pledge = (content: string) => ({
    ...campaign,
    pledger: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    category: 'stage_task',
    content,
    dueOn: '2011-06-01',
  });
  const post = (as: string, key: string | undefined, body: object) => {
    const r = http()
      .post('/pledges')
      .set({ Authorization: `Bearer ${tokens[as]}` });
    return (key === undefined ? r : r.set('Idempotency-Key', key)).send(body);
  };
  /** Pledges made with `content`, counted in the store itself. */
  const made = async (content: string) =>
    Number(
      (
        await db.query<{ n: string }>(
          `select count(*) n from evaluation.events where type = 'evaluation.PledgeMade' and (canonical::jsonb) #>> '{data,content}' = $1`,
          [content],
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['village.secretary', 'county.organizer', 'township.secretary']) tokens[u] = await tokenFor(u);
    campaign = await openCampaign(app, tokens['county.organizer']!);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it.each([1, 2, 3])('round %i: fifty copies with one key make one pledge; every copy gets its id or 409 in progress', async () => {
    const content = `完成村级活动场所建设 ${randomUUID()}`;
    const key = randomUUID();
    const pending: Promise<request.Response>[] = [];
    for (let i = 0; i < COPIES; i++) {
      pending.push(post('village.secretary', key, pledge(content)).then((r) => r));
      await turns(Math.floor(Math.random() * 4));
    }
    const answers = await Promise.all(pending);

    expect(await made(content)).toBe(1);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.pledgeId as string));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.code).toBe('IDEMPOTENCY.IN_PROGRESS');
      expect(a.headers['retry-after']).toBe('1');
    }
    // Once answered, the key answers every copy with the first answer, and makes nothing.
    const again = await post('village.secretary', key, pledge(content));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.pledgeId).toBe([...ids][0]);
    expect(await made(content)).toBe(1);
  });

  it('the same key with another body is refused 422 and makes nothing', async () => {
    const key = randomUUID();
    const first = `村规民约修订 ${randomUUID()}`;
    const other = `村规民约修订 ${randomUUID()}`;
    expect((await post('village.secretary', key, pledge(first))).status).toBe(201);
    const reused = await post('village.secretary', key, pledge(other));
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await made(other)).toBe(0);
  });

  it('one caller’s key never answers another: the same key from another user runs their own request', async () => {
    const key = randomUUID();
    const mine = `道路硬化 ${randomUUID()}`;
    const theirs = `道路硬化 ${randomUUID()}`;
    const a = await post('village.secretary', key, pledge(mine));
    const b = await post('county.organizer', key, pledge(theirs));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.pledgeId).not.toBe(a.body.pledgeId);
    expect([await made(mine), await made(theirs)]).toEqual([1, 1]);
  });

  it('a refused request frees its key: the corrected request with the same key runs', async () => {
    const key = randomUUID();
    const content = `饮水工程 ${randomUUID()}`;
    const refused = await post('village.secretary', key, { ...pledge(content), dueOn: '2011-13-01' });
    expect(refused.status).toBe(400);
    const corrected = await post('village.secretary', key, pledge(content));
    expect(corrected.status).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    expect(await made(content)).toBe(1);
  });

  it('one-time ballot codes are shown once: a copy with the key is 409 not replayable, issues none, and the key keeps no code', async () => {
    const as = { Authorization: `Bearer ${tokens['township.secretary']}` };
    const window = await http()
      .post('/mass-evaluations')
      .set(as)
      .send({
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        eligibleVoters: 10,
        opensOn: '2011-06-02',
        closesOn: '2011-06-09',
      });
    expect(window.status).toBe(201);
    const key = randomUUID();
    const issue = () =>
      http().post(`/mass-evaluations/${window.body.windowId}/codes`).set(as).set('Idempotency-Key', key).send({ count: 2, format: 'json' });

    const first = await issue();
    expect(first.status).toBe(201);
    expect(first.body.codes).toHaveLength(2);
    const copy = await issue();
    expect({ status: copy.status, code: copy.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY.NOT_REPLAYABLE' });
    expect(JSON.stringify(copy.body)).not.toContain(first.body.codes[0]);

    const kept = await db.query<{ status: number; body: unknown }>(`select status, body from evaluation.idempotency_keys where key = $1`, [
      key,
    ]);
    expect(kept.rows).toEqual([{ status: 201, body: null }]);
    const issued = await db.query<{ n: number }>(`select codes_issued n from evaluation.mass_evaluation_window where window_id = $1`, [
      window.body.windowId,
    ]);
    expect(issued.rows).toEqual([{ n: 2 }]);
  });

  it.each([
    ['with a space', 'a b', 'only visible ASCII'],
    ['longer than 255 characters', 'k'.repeat(256), 'longer than 255'],
    ['empty when quoted', '""', 'empty'],
  ])('a key %s is 400 naming the header, and nothing is made', async (_, key, reason) => {
    const content = `村集体经济 ${randomUUID()}`;
    const res = await post('village.secretary', key, pledge(content));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IDEMPOTENCY.KEY_INVALID');
    expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', reason: expect.stringContaining(reason) }]);
    expect(await made(content)).toBe(0);
  });
});

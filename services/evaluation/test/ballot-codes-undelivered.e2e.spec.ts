import type { INestApplication } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { issueCodes, openVillageWindow } from './support/village-window';

/**
 * Codes exist once, in the answer that issues them (ADR 0027). An answer that never reaches its
 * issuer leaves codes nobody holds: they are voided, and stop holding back the eligible voters
 * (ADR 0147). Over a real socket, with real Keycloak tokens.
 */
describe('ballot codes whose answer was not delivered (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let port: number;
  let secretary: string;
  const http = () => request(app.getHttpServer());

  const openWindow = (eligibleVoters: number) => openVillageWindow(app, secretary, eligibleVoters);
  const issue = (windowId: string, count: number) => issueCodes(app, secretary, windowId, count);

  /** Sends the whole request, then closes the connection before any answer can arrive. */
  const askAndHangUp = (windowId: string, body: object) =>
    new Promise<void>((resolve) => {
      const payload = JSON.stringify(body);
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/mass-evaluations/${windowId}/codes`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${secretary}` },
      });
      req.on('error', () => resolve());
      req.on('finish', () => {
        req.destroy();
        resolve();
      });
      req.end(payload);
    });

  const trail = async (windowId: string) =>
    (
      await db.query<{ type: string; canonical: string }>(
        `select type, canonical from evaluation.events where stream_id = $1 order by stream_version`,
        [`mass-evaluation-${windowId}`],
      )
    ).rows.map((e) => ({ type: e.type, data: (JSON.parse(e.canonical) as { data: Record<string, unknown> }).data }));
  const unusedCodes = async (windowId: string) =>
    (await db.query<{ n: number }>(`select count(*)::int as n from evaluation.mass_evaluation_code where window_id = $1`, [windowId]))
      .rows[0]!.n;

  beforeAll(async () => {
    process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'] = '100000';
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    secretary = await tokenFor('township.secretary');
  });
  afterAll(async () => {
    delete process.env['EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE'];
    await db?.end();
    await app?.close();
  });

  it.each(['json', 'pdf'])(
    'voids a %s batch whose issuer hung up before the answer, and the voters can be given codes again',
    async (format) => {
      const windowId = await openWindow(3);

      await askAndHangUp(windowId, { count: 3, format });
      const events = await waitUntil('the batch issued and then voided', async () => {
        const t = await trail(windowId);
        return t.some((e) => e.type === 'evaluation.BallotCodesVoided') && t;
      });

      expect(events.map((e) => e.type)).toEqual([
        'evaluation.MassEvaluationOpened',
        'evaluation.BallotCodesIssued',
        'evaluation.BallotCodesVoided',
      ]);
      expect(events[1]!.data).toMatchObject({ count: 3, issuedInAll: 3 });
      expect(events[2]!.data).toMatchObject({
        count: 3,
        issuedInAll: 0,
        reason: 'answer-not-delivered',
        voidedBy: { role: 'branch_secretary' },
      });
      expect(await unusedCodes(windowId)).toBe(0);
      const again = await issue(windowId, 3);
      expect([again.status, again.body.issued]).toEqual([201, 3]);
    },
  );

  it('keeps the codes of an answer that arrived: they vote, and nothing is voided', async () => {
    const windowId = await openWindow(4);
    const first = await issue(windowId, 2);
    expect(first.status).toBe(201);
    // A later batch's answer is settled after the first's: had the first been voided, its trail line would come before.
    expect((await issue(windowId, 2)).status).toBe(201);

    const cast = await http().post(`/mass-evaluations/${windowId}/ballots`).send({ code: first.body.codes[0], rating: 'satisfied' });

    expect(cast.status).toBe(201);
    expect((await trail(windowId)).map((e) => e.type)).toEqual([
      'evaluation.MassEvaluationOpened',
      'evaluation.BallotCodesIssued',
      'evaluation.BallotCodesIssued',
    ]);
    expect(await unusedCodes(windowId)).toBe(3);
  });

  it('voids nothing of a refused batch, which issued no code', async () => {
    const windowId = await openWindow(1);
    const refused = await issue(windowId, 2);

    expect([refused.status, refused.body.code]).toEqual([422, 'MASS_EVALUATION.CODES_EXCEED_VOTERS']);
    expect((await issue(windowId, 1)).status).toBe(201);
    expect((await trail(windowId)).map((e) => e.type)).toEqual(['evaluation.MassEvaluationOpened', 'evaluation.BallotCodesIssued']);
  });
});

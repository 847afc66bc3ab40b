import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { recordedPath } from './support/decision-path';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const COUNTY = demoOrgId('910425');
const TOWNSHIP = demoOrgId('910425101');
const VILLAGE = demoOrgId('910425101201');
const MODEL = { kind: 'organization', id: demoOrgId('910425102'), name: '河口镇党委' };
const COMMANDS = 50;

/** 对标定位 through HTTP with real Keycloak tokens: choose, progress, confirmed reached from above. */
describe('benchmarking (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const body = (over: Record<string, unknown> = {}) => ({
    subject: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    target: MODEL,
    gaps: ['集体经济收入低'],
    measures: ['发展红枣合作社'],
    dueOn: '2011-12-31',
    ...over,
  });
  const choose = async () => {
    const res = await http().post('/benchmarks').set(as('village.secretary')).send(body());
    expect(res.status).toBe(201);
    return res.body.benchmarkId as string;
  };
  const eventsOf = async (id: string) =>
    (
      await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
        `benchmark-${id}`,
      ])
    ).rows.map((r) => r.type);

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['township.secretary', 'other.township.secretary', 'village.secretary', 'province.auditor'])
      tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('chooses a benchmark, tracks progress, and the level above confirms it reached', async () => {
    const id = await choose();
    const progress = (percent: number) =>
      http().post(`/benchmarks/${id}/progress`).set(as('village.secretary')).send({ note: '合作社已注册', percent });
    expect((await progress(40)).body).toEqual({ version: 2 });
    const back = await progress(30);
    expect(back.status).toBe(422);
    expect(back.body.code).toBe('BENCHMARK.PROGRESS_BACKWARDS');
    // The level that confirms it reached may not also report it done (a probe did).
    const fromAbove = await http().post(`/benchmarks/${id}/progress`).set(as('township.secretary')).send({ note: '已完成', percent: 100 });
    expect([fromAbove.status, fromAbove.body.code]).toEqual([403, 'BENCHMARK.NOT_BENCHMARKER']);
    expect(await eventsOf(id)).toEqual(['evaluation.BenchmarkChosen', 'evaluation.BenchmarkProgressReported']);

    const bySelf = await http().post(`/benchmarks/${id}/reached`).set(as('village.secretary')).send({ reason: '自评达标' });
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.code).toBe('BENCHMARK.NOT_LEVEL_ABOVE');
    const reached = await http().post(`/benchmarks/${id}/reached`).set(as('township.secretary')).send({ reason: '现场核实' });
    expect(reached.body).toEqual({ version: 3 });

    const view = await waitUntil('the projection to reach the confirmation', async () => {
      const res = await http().get(`/benchmarks/${id}`).set(as('village.secretary'));
      return res.status === 200 && res.body.version === 3 ? (res.body as Record<string, unknown>) : undefined;
    });
    expect(view).toMatchObject({
      status: 'reached',
      percent: 100,
      lastNote: '合作社已注册',
      target: MODEL,
      gaps: ['集体经济收入低'],
      reachedDecision: {
        decidedBy: { sub: expect.any(String), role: 'branch_secretary', orgId: TOWNSHIP },
        inputs: [
          { streamId: `benchmark-${id}`, version: 2 },
          ...recordedPath([demoOrgId('91'), demoOrgId('9104'), COUNTY, TOWNSHIP, VILLAGE]),
        ],
        rule: { id: 'evaluation.benchmark.confirmed-above', version: 1 },
        reason: '现场核实',
      },
    });
    const list = await http().get('/benchmarks').query({ subtreeOf: COUNTY, limit: 200 }).set(as('province.auditor'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((b: { benchmarkId: string }) => b.benchmarkId)).toContain(id);
  });

  it('answers another township’s secretary as if the benchmarking did not exist', async () => {
    const id = await choose();
    const unknown = randomUUID();
    for (const [method, path, payload] of [
      ['post', '/progress', { note: 'x', percent: 50 }],
      ['post', '/reached', { reason: 'x' }],
      ['get', '', {}],
    ] as const) {
      const theirs = await http()[method](`/benchmarks/${id}${path}`).set(as('other.township.secretary')).send(payload);
      const none = await http()[method](`/benchmarks/${unknown}${path}`).set(as('other.township.secretary')).send(payload);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      expect(theirs.body.code).toBe('BENCHMARK.NOT_FOUND');
      expect(String(theirs.body.message).replace(id, '<id>')).toBe(String(none.body.message).replace(unknown, '<id>'));
    }
    const list = await http().get('/benchmarks').query({ subtreeOf: TOWNSHIP }).set(as('other.township.secretary'));
    expect(list.status).toBe(403);
    const chooseThere = await http().post('/benchmarks').set(as('other.township.secretary')).send(body());
    expect(chooseThere.status).toBe(403);
    expect(chooseThere.body.code).toBe('AUTH.OUT_OF_SCOPE');
    expect(await eventsOf(id)).toEqual(['evaluation.BenchmarkChosen']);
  });

  it('refuses bad input with the field, broken rules with their code, and auditors’ commands', async () => {
    const bad = await http()
      .post('/benchmarks')
      .set(as('village.secretary'))
      .send(body({ dueOn: 'end of year', gaps: [] }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('dueOn');
    expect(JSON.stringify(bad.body)).toContain('gaps');
    const badPercent = await http()
      .post(`/benchmarks/${randomUUID()}/progress`)
      .set(as('village.secretary'))
      .send({ note: 'x', percent: 101 });
    expect(badPercent.status).toBe(400);
    expect(JSON.stringify(badPercent.body)).toContain('percent');
    const badId = await http().post('/benchmarks/not-a-uuid/reached').set(as('township.secretary')).send({ reason: 'x' });
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body)).toContain('id');

    const itself = await http()
      .post('/benchmarks')
      .set(as('village.secretary'))
      .send(body({ target: { ...MODEL, id: VILLAGE } }));
    expect(itself.status).toBe(400);
    expect(itself.body.code).toBe('BENCHMARK.SELF');
    const past = await http()
      .post('/benchmarks')
      .set(as('village.secretary'))
      .send(body({ dueOn: '2011-05-09' }));
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('BENCHMARK.SELF');
    const otherSubject = await http()
      .post('/benchmarks')
      .set(as('township.secretary'))
      .send(body({ subject: { kind: 'organization', id: TOWNSHIP } }));
    expect(otherSubject.status).toBe(400);
    expect(otherSubject.body.code).toBe('BENCHMARK.SUBJECT_NOT_ORG');

    const auditor = await http().post('/benchmarks').set(as('province.auditor')).send(body());
    expect(auditor.status).toBe(403);
  });

  it('of fifty concurrent confirmations exactly one is recorded, the rest get 409', async () => {
    const id = await choose();
    const answers = await Promise.all(
      Array.from({ length: COMMANDS }, () =>
        http().post(`/benchmarks/${id}/reached`).set(as('township.secretary')).send({ reason: '现场核实' }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200)).toEqual(Array(COMMANDS - 1).fill(409));
    for (const a of answers.filter((x) => x.status === 409))
      expect(['STREAM.CONCURRENT_CHANGE', 'BENCHMARK.NOT_ACTIVE']).toContain(a.body.code);
    expect(await eventsOf(id)).toEqual(['evaluation.BenchmarkChosen', 'evaluation.BenchmarkReached']);
  });
});

import type { INestApplication } from '@nestjs/common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { LongWork } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { NoteVerifier, leafHash, openCheckpoint, verifyInclusion } from '@vanguard/transparency-log';
import { createTestSchema, tokenFor, waitUntil } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- decisions are made through the evaluation service's own commands, in-process, as its e2e suites make them
import { PHASES } from '../../evaluation/test/support/campaign-fixture';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { clockOn, createEvaluationTestApp } from '../../evaluation/test/support/evaluation-test-app';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const COUNTY = demoOrgId('910425');
const VILLAGE = demoOrgId('910425101201');
/** The village's path the filing checked, recorded after the pledge itself (ADR 0032): province to village. */
const recordedPath = Array.from({ length: 5 }, () => ({
  streamId: expect.stringMatching(/^organization-/) as string,
  version: expect.any(Number) as number,
}));

/**
 * A pledge made, filed, published and fulfilled through the evaluation service's HTTP API, then
 * audited: timeline, as-of, diff, explain, verify, tampering as the database owner, the
 * auditors' trail, and an abandoned verification.
 */
describe('audit service over decisions made through the evaluation service (e2e)', () => {
  let evaluation: INestApplication;
  let audit: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const auditHttp = () => request(audit.getHttpServer());
  let pledge: string;
  const owner = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 3 });

  beforeAll(async () => {
    evaluation = await createEvaluationTestApp(clockOn('2011-05-10'));
    audit = await createAuditTestApp();
    for (const u of ['county.organizer', 'township.secretary', 'village.secretary', 'province.auditor', 'province.audit_supervisor'])
      tokens[u] = await tokenFor(u);
    const ev = () => request(evaluation.getHttpServer());
    const c = await ev().post('/campaigns').set(as('county.organizer')).send({ orgId: COUNTY, name: '松岭旗创先争优活动', phases: PHASES });
    const campaignId = c.body.campaignId as string;
    const q = await ev()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: '2011-Q2', startsOn: '2011-04-01', endsOn: '2011-06-30', themes: { default: '服务群众' } });
    const cycleId = q.body.cycleId as string;
    await ev().post(`/campaigns/${campaignId}/cycles/${cycleId}/open`).set(as('county.organizer')).expect(200);
    const made = await ev()
      .post('/pledges')
      .set(as('village.secretary'))
      .send({
        campaignId,
        cycleId,
        pledger: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        category: 'deed_for_masses',
        content: '为村里修通3公里通组路',
        dueOn: '2011-06-20',
      })
      .expect(201);
    pledge = `pledge-${made.body.pledgeId as string}`;
    const step = (user: string, verb: string, body: object = {}) =>
      ev()
        .post(`/pledges/${made.body.pledgeId as string}/${verb}`)
        .set(as(user))
        .send(body)
        .expect(200);
    await step('township.secretary', 'file', { reason: '内容具体可检验' });
    await step('village.secretary', 'publish');
    await step('township.secretary', 'fulfil', { reason: '现场验收通过' });
  });
  afterAll(async () => {
    await audit?.close();
    await evaluation?.close();
    await owner.end();
  });

  it('shows every event with actor, role, organisation, reason, inputs and recorded time, page by page', async () => {
    const first = await auditHttp().get(`/streams/${pledge}/timeline?limit=2`).set(as('province.auditor')).expect(200);
    expect(first.body).toMatchObject({ context: 'evaluation', head: 4, nextFromVersion: 3 });
    expect(first.body.events[1]).toMatchObject({
      streamVersion: 2,
      type: 'evaluation.PledgeFiled',
      actor: { roles: expect.arrayContaining([expect.any(String)]) },
      decision: {
        reason: '内容具体可检验',
        inputs: [{ streamId: pledge, version: 1 }, ...recordedPath],
        rule: { id: expect.any(String), version: expect.any(Number) },
      },
      recordedAt: expect.stringMatching(/Z$/),
    });
    const rest = await auditHttp().get(`/streams/${pledge}/timeline?fromVersion=3&limit=2`).set(as('province.auditor')).expect(200);
    expect(rest.body.events.map((e: { type: string }) => e.type)).toEqual(['evaluation.PledgePublished', 'evaluation.PledgeFulfilled']);
    expect(rest.body.nextFromVersion).toBeNull();
  });

  it('folds a stream as of a version and as of an instant, and diffs two of them field by field', async () => {
    const timeline = await auditHttp().get(`/streams/${pledge}/timeline`).set(as('province.auditor')).expect(200);
    const filedAt = timeline.body.events[1].recordedAt as string;
    const byVersion = await auditHttp().get(`/streams/${pledge}/as-of?version=2`).set(as('province.auditor')).expect(200);
    const byInstant = await auditHttp()
      .get(`/streams/${pledge}/as-of?at=${encodeURIComponent(filedAt)}`)
      .set(as('province.auditor'))
      .expect(200);
    expect(byVersion.body).toMatchObject({ version: 2, state: { status: 'filed' } });
    expect(byInstant.body.version).toBeGreaterThanOrEqual(2);
    const diff = await auditHttp().get(`/streams/${pledge}/diff?fromVersion=2&toVersion=4`).set(as('province.auditor')).expect(200);
    expect(diff.body.changes).toContainEqual({ path: 'status', before: 'filed', after: 'fulfilled' });
    expect(diff.body.events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([3, 4]);
  });

  it('replays a recorded decision with its recorded inputs and rule version and reproduces it', async () => {
    const res = await auditHttp().get(`/streams/${pledge}/decisions/2/explain`).set(as('province.auditor')).expect(200);
    expect(res.body).toMatchObject({
      type: 'evaluation.PledgeFiled',
      reproduced: true,
      differences: [],
      inputs: [{ streamId: pledge, version: 1 }, ...recordedPath],
    });
    await auditHttp().get(`/streams/${pledge}/decisions/3/explain`).set(as('province.auditor')).expect(422);
    await auditHttp().get(`/streams/${pledge}/decisions/9/explain`).set(as('province.auditor')).expect(404);
  });

  it('signs a checkpoint of the store and proves the decision is in it, checked with the lib alone', async () => {
    // The log reads below the oldest transaction open anywhere on the server: a checkpoint signed
    // while another suite's transaction is open may not hold the decision yet, a later one will.
    let body!: ReturnType<typeof openCheckpoint>['body'];
    let proof!: request.Response;
    await waitUntil(
      'a checkpoint that holds version 2 of the pledge',
      async () => {
        const cp = await auditHttp().get('/transparency/evaluation/checkpoint').set(as('province.auditor')).expect(200);
        ({ body } = openCheckpoint(cp.body.checkpoint as string, [NoteVerifier.parse(cp.body.vkey as string)]));
        if (body.size === 0) return undefined;
        proof = await auditHttp()
          .get(`/transparency/evaluation/inclusion?stream=${pledge}&version=2&size=${body.size}`)
          .set(as('province.auditor'));
        // 404 until the log holds the decision; anything else is a failure the wait reports at its deadline.
        if (proof.status !== 200 && proof.status !== 404) throw new Error(`inclusion answered ${proof.status}: ${proof.text}`);
        return proof.status === 200;
      },
      PAST_THE_HORIZON,
    );
    const { rows } = await owner.query<{ canonical: string }>(
      'select canonical from evaluation.events where stream_id = $1 and stream_version = 2',
      [pledge],
    );
    const path = (proof.body.proof as string[]).map((h) => Buffer.from(h, 'base64'));
    expect(verifyInclusion(proof.body.index as number, body.size, leafHash(rows[0]!.canonical), path, body.root)).toEqual({ ok: true });
    expect(verifyInclusion(proof.body.index as number, body.size, leafHash(`${rows[0]!.canonical} `), path, body.root)).toMatchObject({
      ok: false,
    });
    await auditHttp().get('/transparency/nowhere/checkpoint').set(as('province.auditor')).expect(400);
  });

  it('refuses bad input with the field, unknown streams with 404, and everyone but the auditor roles with 403', async () => {
    const bad = await auditHttp().get(`/streams/${pledge}/as-of?at=yesterday`).set(as('province.auditor')).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'at', reason: expect.any(String) }]);
    expect((await auditHttp().get('/streams/ballot-1/timeline').set(as('province.auditor'))).status).toBe(400);
    expect(
      (await auditHttp().get('/streams/pledge-00000000-0000-4000-8000-999999999999/timeline').set(as('province.auditor'))).status,
    ).toBe(404);
    expect((await auditHttp().get(`/streams/${pledge}/timeline`).set(as('county.organizer'))).status).toBe(403);
  });

  it('finds a row changed by the database owner, names the stream, version and reason, and the replay says what differs', async () => {
    const ok = await verify(`stream=${pledge}`);
    expect(ok).toMatchObject({ ok: true, checkedEvents: 4, broken: null });
    const { rows } = await owner.query<{ canonical: string }>(
      'select canonical from evaluation.events where stream_id = $1 and stream_version = 2',
      [pledge],
    );
    const original = rows[0]!.canonical;
    const forged = original.replace(pledge.slice('pledge-'.length), '00000000-0000-4000-8000-00000000f00d');
    expect(forged).not.toBe(original);
    try {
      await rewrite(pledge, 2, forged);
      const broken = await verify(`stream=${pledge}`);
      expect(broken).toMatchObject({
        ok: false,
        broken: { context: 'evaluation', streamId: pledge, streamVersion: 2, reason: 'hash_mismatch' },
      });
      const explained = await auditHttp().get(`/streams/${pledge}/decisions/2/explain`).set(as('province.auditor')).expect(200);
      expect(explained.body.reproduced).toBe(false);
      expect(explained.body.differences).toContainEqual(expect.objectContaining({ path: '[0].data.decision.inputs[0].streamId' }));
    } finally {
      await rewrite(pledge, 2, original);
    }
    expect(await verify(`stream=${pledge}`)).toMatchObject({ ok: true });
  });

  it('records every audit query, and only audit_supervisor reads the record', async () => {
    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    expect((await auditHttp().get('/audit-trail').set(as('province.auditor'))).status).toBe(403);
    const trail = await auditHttp().get(`/audit-trail?auditor=${sub}&limit=200`).set(as('province.audit_supervisor')).expect(200);
    const queries = trail.body.entries
      .filter((e: { streams: string[] }) => e.streams.includes(pledge))
      .map((e: { query: string }) => e.query);
    expect(queries).toEqual(expect.arrayContaining(['timeline', 'as-of', 'diff', 'explain', 'verify']));
    expect(trail.body.entries[0]).toMatchObject({
      auditor: { sub, username: 'province.auditor' },
      recordedAt: expect.stringMatching(/Z$/),
    });
  });

  it('cancels the statement and gives the connection and the slot back at once when the client abandons a verification', async () => {
    // A store of this test's own whose stream heads the owner holds locked: the verification's first statement waits.
    const db = await createTestSchema('audit_abort');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    const stuck = await createAuditTestApp({ schemas: { evaluation: db.schema, commendation: db.schema } });
    const lock = await owner.connect();
    try {
      await lock.query('begin');
      await lock.query(`lock table "${db.schema}".streams in access exclusive mode`);
      const server = stuck.getHttpServer() as http.Server;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const req = http.get({ host: '127.0.0.1', port, path: '/verify', headers: as('province.auditor') });
      const firstLine = await new Promise<string>((resolve) =>
        req.on('response', (res) => res.once('data', (b: Buffer) => resolve(b.toString()))),
      );
      expect(firstLine).toContain('started');
      await waitUntil('the verification to wait on the lock', async () => (await verifiersWaiting()) > 0 || undefined, {
        timeoutMs: 30_000,
      });
      req.destroy();
      const longWork = stuck.get(LongWork);
      // Still locked until the end of the test: only a cancelled statement can have let go, so the
      // deadline only bounds a loaded machine (a clean-clone CI run once took longer than 10 s,
      // with every suite's workers on two cores); without the cancel it never lets go.
      await waitUntil(
        'the abandoned verification to let go',
        async () => ((await verifiersWaiting()) === 0 && longWork.active === 0) || undefined,
        {
          timeoutMs: 30_000,
        },
      );
    } finally {
      await lock.query('rollback');
      lock.release();
      await stuck.close();
      await db.drop();
    }
  }, 90_000);

  /** Backends of the read-only role that verifications opened and that are still there. */
  async function verifiersWaiting(): Promise<number> {
    const { rows } = await owner.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where usename = $1 and application_name like 'audit-verify-%'`,
      [AUDIT_READER_ROLE],
    );
    return Number(rows[0]!.n);
  }

  async function verify(query: string): Promise<Record<string, unknown>> {
    const res = await auditHttp().get(`/verify?${query}`).set(as('province.auditor')).expect(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return lines.at(-1)!['result'] as Record<string, unknown>;
  }

  /** As the database owner: past the append-only trigger, as someone with the owner's password could. */
  async function rewrite(streamId: string, version: number, canonical: string): Promise<void> {
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query('update evaluation.events set canonical = $3 where stream_id = $1 and stream_version = $2', [
        streamId,
        version,
        canonical,
      ]);
      await c.query('commit');
    } finally {
      c.release();
    }
  }
});

import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { GENESIS_HASH, PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { developmentLogSigner, verifyBundle } from '@vanguard/transparency-log';
import { binaryBody, createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'earlier-checkpoints-test',
};
const key = developmentLogSigner('vanguard.example/evaluation').verifier;
const trust = { trustedKeys: [key], allowDevelopmentKey: true };

/**
 * ADR 0070: an evidence bundle carries the checkpoints the service published before it, each with
 * its consistency proof, and the verifier checks them. An auditor keeps the checkpoint of size 5;
 * the database owner then rewrites a whole stream below it consistently (texts, chain hashes and
 * all) and the service restarts, rebuilding its log from the rewritten store: that log's root at
 * the latest published size is not the published one, so the service signs, publishes and exports
 * nothing and fails readiness, rather than vouch for the rewritten history (a verifier holding an
 * earlier checkpoint would catch such a bundle too: libs/transparency-log's bundle tests).
 */
describe('audit evidence: bundles carry earlier checkpoints (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication | undefined;
  let store: PostgresEventStore;
  let auditor: string;
  let supervisor: string;
  let kept: string;
  const versions: Record<string, number> = {};
  const made = async (stream: string, n: number) => {
    const from = versions[stream] ?? 0;
    const events = Array.from({ length: n }, (_, i) => ({ type: 'evaluation.PledgeMade', data: { n: from + i + 1 } }));
    await store.append(stream, events, { expectedVersion: from === 0 ? 'no_stream' : from, context });
    versions[stream] = from + n;
  };
  const start = async () => {
    await audit?.close();
    audit = await createAuditTestApp({ schemas: { evaluation: db.schema, commendation: db.schema } });
  };
  /**
   * Publishes a checkpoint once the log has read `size` events (they pass the safe horizon as other
   * transactions end). Waited for without publishing: after the rewrite, publishing the rebuilt
   * tree at a size already published is refused (another root at that size).
   */
  const publish = async (size: number): Promise<string> => {
    await waitUntil(
      `the log to read ${size} events`,
      async () => {
        const res = await request(audit!.getHttpServer())
          .get('/transparency/evaluation/checkpoint')
          .set({ Authorization: `Bearer ${auditor}` })
          .expect(200);
        return res.body.size === size || undefined;
      },
      PAST_THE_HORIZON,
    );
    const res = await request(audit!.getHttpServer())
      .post('/witness/evaluation/publish')
      .set({ Authorization: `Bearer ${supervisor}` })
      .expect(200);
    expect(res.body.size).toBe(size);
    return res.body.checkpoint as string;
  };
  const exported = async (query: string): Promise<Buffer> => {
    const res = await request(audit!.getHttpServer())
      .get(`/transparency/evaluation/export?${query}`)
      .set({ Authorization: `Bearer ${auditor}` })
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const bundle = res.body as Buffer;
    // The trail's `export-completed` is written once the last byte is out: waited for, so that no
    // restart or teardown closes its pool under it.
    await waitUntil('the export in the trail', async () => {
      const trail = await request(audit!.getHttpServer())
        .get(`/audit-trail?auditor=${subOf(auditor)}&limit=1`)
        .set({ Authorization: `Bearer ${supervisor}` })
        .expect(200);
      const [last] = trail.body.entries as { query: string; params: { bytes?: number } }[];
      return (last?.query === 'export-completed' && last.params.bytes === bundle.length) || undefined;
    });
    return bundle;
  };
  const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

  beforeAll(async () => {
    db = await createTestSchema('audit_earlier_cps');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    auditor = await tokenFor('province.auditor');
    supervisor = await tokenFor('province.audit_supervisor');
    await made('pledge-a', 3);
    await made('pledge-b', 2);
    await start();
    kept = await publish(5); // what the auditor saw last month, and kept
    await made('pledge-a', 2);
    await made('pledge-c', 1);
    await publish(8);
  });
  afterAll(async () => {
    await audit?.close();
    // The audit tables outlive this suite's store: its checkpoints go with it.
    if (db) await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
    await db?.drop();
  });

  it('carries the published checkpoints, each proven a prefix, and the one the auditor kept, after a restart', async () => {
    await start(); // the log is rebuilt from the untouched store: the same tree
    const report = await verifyBundle(await exported('stream=pledge-b'), { ...trust, held: [{ name: 'kept.note', note: kept }] });
    expect(report.previous.map((p) => p.size)).toEqual([5, 8]);
    expect(report.held).toEqual([{ size: 5, root: report.previous[0]!.root }]);
    expect(report).toMatchObject({ checkpoint: { size: 8 }, streams: [{ stream: 'pledge-b', events: 2 }] });
    const trail = await request(audit!.getHttpServer())
      .get(`/audit-trail?auditor=${subOf(auditor)}&limit=2`)
      .set({ Authorization: `Bearer ${supervisor}` })
      .expect(200);
    expect(trail.body.entries[1]).toMatchObject({ query: 'export', params: { earlier: [5, 8] } });
    // Named sizes: exactly those; a size never published is a 404, one beyond the log a 400.
    expect((await verifyBundle(await exported('stream=pledge-b&earlier=5'), trust)).previous.map((p) => p.size)).toEqual([5]);
    const get = (q: string) =>
      request(audit!.getHttpServer())
        .get(`/transparency/evaluation/export?${q}`)
        .set({ Authorization: `Bearer ${auditor}` });
    expect((await get('stream=pledge-b&earlier=6')).status).toBe(404);
    expect((await get('stream=pledge-b&earlier=9')).body.errors).toEqual([{ field: 'earlier', reason: expect.any(String) }]);
    expect((await get('stream=pledge-b&earlier=x')).status).toBe(400);
    // The 404 is in the trail as refused, naming the size asked; the two 400s are not queries it understood.
    const refused = await request(audit!.getHttpServer())
      .get(`/audit-trail?auditor=${subOf(auditor)}&limit=1`)
      .set({ Authorization: `Bearer ${supervisor}` })
      .expect(200);
    expect(refused.body.entries[0]).toMatchObject({
      query: 'export',
      streams: ['pledge-b'],
      params: { context: 'evaluation', earlier: [6], refused: 'AUDIT.NOT_FOUND' },
    });
  });

  it('refuses to sign once the store was rewritten consistently under published checkpoints, and says why (ADR 0041)', async () => {
    // Before item 5 of the hostile review the rebuilt log signed and published the rewritten tree
    // at size 9, and only a verifier holding an earlier checkpoint could tell; now nothing is signed.
    await rewriteConsistently('pledge-b', (t) => t.replace('"n":1', '"n":9'));
    await start(); // the rebuilt log reads the rewritten tree: its own chains all agree, its root at 8 does not
    await made('pledge-d', 1);
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const http = () => request(audit!.getHttpServer());

    const signed = await http().get('/transparency/evaluation/checkpoint').set(as(auditor)).expect(503);
    expect(signed.body).toMatchObject({ code: 'AUDIT.LOG_NOT_SIGNED', message: expect.stringContaining('published size 8') });
    expect((await http().post('/witness/evaluation/publish').set(as(supervisor))).status).toBe(503);
    expect((await http().get('/transparency/evaluation/export?stream=pledge-b').set(as(auditor))).status).toBe(503);
    // The alarm is a metric, not readiness: every instance reads the same store, and auditors still verify and read.
    expect((await http().get('/metrics')).text).toMatch(/vanguard_audit_log_not_signed\{context="evaluation"\} 1/);
    await http().get('/health/ready').expect(200);
    await http().get('/verify?stream=pledge-b').set(as(auditor)).expect(200);
    const { rows } = await db.pool.query<{ size: string }>(`select size from audit.log_checkpoints where store = $1 order by size`, [
      db.schema,
    ]);
    expect(rows.map((r) => Number(r.size))).toEqual([5, 8]);
  });

  /** As the database owner: every version of the stream's text changed, and its hash chain recomputed to match. */
  async function rewriteConsistently(stream: string, change: (canonical: string) => string): Promise<void> {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      const { rows } = await c.query<{ stream_version: string; canonical: string }>(
        `select stream_version, canonical from "${db.schema}".events where stream_id = $1 order by stream_version`,
        [stream],
      );
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const canonical = change(r.canonical);
        const hash = createHash('sha256')
          .update(prev + canonical)
          .digest('hex');
        await c.query(
          `update "${db.schema}".events set canonical = $1, prev_hash = $2, hash = $3 where stream_id = $4 and stream_version = $5`,
          [canonical, prev, hash, stream, r.stream_version],
        );
        prev = hash;
      }
      expect(rows.map((r) => change(r.canonical) !== r.canonical)).toContain(true);
      await c.query('commit');
    } finally {
      c.release();
    }
  }
});

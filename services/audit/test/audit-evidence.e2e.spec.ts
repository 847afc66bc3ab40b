import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { LongWork } from '@vanguard/http';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { NoteVerifier, verifyBundle } from '@vanguard/transparency-log';
import { binaryBody, createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { ProofLogs } from '../src/application/proof-logs';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'evidence-test',
};
/** About 1 KB of text per event: the long stream's bundle is megabytes, more than the sockets buffer. */
const filler = '为村里修通通组路，'.repeat(40);

/**
 * Completeness of the log against a store of this suite's own, evidence bundles exported over
 * HTTP and verified with the lib alone, the exports in the trail, an abandoned download letting go
 * of its connection, and a row smuggled in below the log's read position listed as missing.
 */
describe('audit evidence: completeness and bundle export (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const get = (path: string, user = 'province.auditor') => request(audit.getHttpServer()).get(path).set(as(user));

  beforeAll(async () => {
    db = await createTestSchema('audit_evidence');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    const store = new PostgresEventStore(db.pool, { schema: db.schema });
    const made = (n: number) => ({ type: 'evaluation.PledgeMade', data: { n, content: filler } });
    await store.append('pledge-a', [made(1), made(2), made(3)], { expectedVersion: 'no_stream', context });
    for (let from = 0; from < 2000; from += 250)
      await store.append(
        'pledge-b',
        Array.from({ length: 250 }, (_, i) => made(from + i)),
        { expectedVersion: from === 0 ? 'no_stream' : from, context },
      );
    audit = await createAuditTestApp({ schemas: { evaluation: db.schema, commendation: db.schema } });
    for (const u of ['province.auditor', 'province.audit_supervisor', 'county.organizer']) tokens[u] = await tokenFor(u);
    // The log reads only below the safe horizon: the events pass it once every transaction older
    // than them, anywhere on the server (another suite's), has ended. A clean-clone run asked too soon and read 0.
    await waitUntil(
      'the log to read the 2,003 events',
      async () => (await get('/transparency/evaluation/checkpoint').expect(200)).body.size === 2003,
      { timeoutMs: 150_000, intervalMs: 200 },
    );
  }, 240_000);
  afterAll(async () => {
    await audit?.close();
    await db?.drop();
  });

  it('finds every event of the store in the signed log, and all of one stream in its map entry', async () => {
    const whole = await get('/transparency/evaluation/completeness').expect(200);
    expect(whole.body).toMatchObject({ complete: true, size: 2003, storeEvents: 2003, rootMatches: true, missingCount: 0, misplaced: 0 });
    const one = await get('/transparency/evaluation/completeness?stream=pledge-a').expect(200);
    expect(one.body).toMatchObject({ stream: 'pledge-a', events: 3, mapProof: { kind: 'present', leaf: { entry: { version: 3 } } } });
    expect(one.body.inclusion.map((i: { leaf: number }) => i.leaf)).toEqual([0, 1, 2]);
    expect((await get('/transparency/evaluation/completeness?stream=nomination-x')).status).toBe(400);
  });

  it('sends the whole store’s completeness as progress lines against the signed size when asked for NDJSON', async () => {
    const res = await get('/transparency/evaluation/completeness')
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (b: Buffer) => (text += b.toString('utf8')));
        r.on('end', () => done(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (res.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { started?: unknown; progress?: { done: number; total: number }; result?: unknown });
    expect(lines[0]).toEqual({ started: { context: 'evaluation', size: 2003 } });
    const progress = lines.flatMap((l) => (l.progress ? [l.progress] : []));
    expect(progress.at(-1)).toEqual({ done: 2003, total: 2003 });
    expect(progress.every((p) => p.total === 2003)).toBe(true);
    expect(lines.at(-1)!.result).toMatchObject({ complete: true, size: 2003, storeEvents: 2003, missingCount: 0 });
  });

  it('exports a bundle that verifies with the lib alone against the pinned key, and records who exported what', async () => {
    const res = await get('/transparency/evaluation/export?stream=pledge-a').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    const command = res.headers['x-vanguard-verify'] as string;
    expect(command).toMatch(/^npx vanguard-verify evidence-evaluation-2003\.tgz --key '/);
    // The test runs on the development key: the command says to allow it, as the verifier demands.
    expect(command).toMatch(/ --allow-development-key$/);
    const key = NoteVerifier.parse(command.split("'")[1]!);
    const report = await verifyBundle(res.body as Buffer, { trustedKeys: [key], allowDevelopmentKey: true });
    expect(report).toMatchObject({ keyPinned: true, events: 3, streams: [{ stream: 'pledge-a', events: 3 }] });
    // What the CLI's progress bar counts against, sent before the first byte: what the bundle holds.
    expect(res.headers['x-vanguard-events']).toBe(String(report.events));
    expect(res.headers['x-vanguard-streams']).toBe(String(report.streams.length));
    const flipped = Buffer.from(res.body as Buffer);
    flipped[flipped.length >> 1]! ^= 1;
    await expect(verifyBundle(flipped, { trustedKeys: [key], allowDevelopmentKey: true })).rejects.toMatchObject({
      code: expect.any(String),
    });

    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    const trail = await get(`/audit-trail?auditor=${sub}&limit=20`, 'province.audit_supervisor').expect(200);
    const exports = (trail.body.entries as { query: string; streams: string[]; params: Record<string, unknown> }[]).filter((e) =>
      e.query.startsWith('export'),
    );
    expect(exports[0]).toMatchObject({
      query: 'export-completed',
      streams: ['pledge-a'],
      params: { size: 2003, bytes: (res.body as Buffer).length },
    });
    expect(exports[1]).toMatchObject({ query: 'export', streams: ['pledge-a'] });
    expect((await get('/transparency/evaluation/export')).body.errors).toEqual([{ field: 'stream', reason: expect.any(String) }]);
  });

  it('answers a HEAD of an export with the GET’s headers and no bundle, and records no completed export for it', async () => {
    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    type Entry = { query: string; streams: string[]; params: Record<string, unknown> };
    const exportsInTrail = async () =>
      ((await get(`/audit-trail?auditor=${sub}&limit=20`, 'province.audit_supervisor').expect(200)).body.entries as Entry[]).filter((e) =>
        e.query.startsWith('export'),
      );
    // The earlier GET's entries first, both in: what the HEAD adds is then the newest.
    await waitUntil('the earlier export recorded as completed', async () => (await exportsInTrail())[0]?.query === 'export-completed');
    const head = await request(audit.getHttpServer()).head('/transparency/evaluation/export?stream=pledge-a').set(as('province.auditor'));
    expect(head.status).toBe(200);
    expect(head.headers).toMatchObject({
      'content-type': 'application/gzip',
      'content-disposition': 'attachment; filename="evidence-evaluation-2003.tgz"',
      'x-vanguard-events': '3',
      'x-vanguard-streams': '1',
    });
    const whole = await request(audit.getHttpServer()).head('/transparency/evaluation/export-log').set(as('province.auditor'));
    expect([whole.status, whole.headers['x-vanguard-events']]).toEqual([200, '2003']);
    // A completed export would be written once the bundle left: a GET after them both shows whether any came.
    await get('/transparency/evaluation/export?stream=pledge-b').buffer(true).parse(binaryBody).expect(200);
    await waitUntil('the GET recorded as completed', async () => (await exportsInTrail())[0]?.query === 'export-completed');
    const newest = (await exportsInTrail()).slice(0, 5);
    expect(newest.map((e) => [e.query, e.streams, e.params['headersOnly'] ?? false, e.params['whole'] ?? false])).toEqual([
      ['export-completed', ['pledge-b'], false, false],
      ['export', ['pledge-b'], false, false],
      ['export', [], true, true],
      ['export', ['pledge-a'], true, false],
      // The earlier GET's: the HEADs added no completed export between.
      ['export-completed', ['pledge-a'], false, false],
    ]);
  });

  it('says how many events and streams a bundle of several streams holds, one of them with none', async () => {
    const res = await get('/transparency/evaluation/export?stream=pledge-b&stream=pledge-a&stream=pledge-none')
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const key = NoteVerifier.parse((res.headers['x-vanguard-verify'] as string).split("'")[1]!);
    const report = await verifyBundle(res.body as Buffer, { trustedKeys: [key], allowDevelopmentKey: true });
    expect(report.events).toBe(2003);
    expect(report.streams).toHaveLength(3);
    expect(res.headers['x-vanguard-events']).toBe('2003');
    expect(res.headers['x-vanguard-streams']).toBe('3');
  });

  /** The app's base URL, listening on a port of its own. */
  async function listening(): Promise<string> {
    const server = audit.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** An export of the long stream whose reader stopped after its first bytes: it holds its slot and connection. */
  async function heldExport(path = '/transparency/evaluation/export?stream=pledge-b'): Promise<http.ClientRequest> {
    const { port } = new URL(await listening());
    const req = http.get({
      host: '127.0.0.1',
      port,
      path,
      headers: as('province.auditor'),
    });
    await new Promise<void>((resolve) =>
      req.on('response', (res) =>
        res.once('data', () => {
          res.pause(); // a reader that stops reading: the bundle waits on it, mid-stream
          resolve();
        }),
      ),
    );
    return req;
  }

  it('answers an export past the auditor’s long-work slots with 429 and its reason as JSON, not a cut connection', async () => {
    const held = [await heldExport(), await heldExport()];
    // Counted, not replaced: a refused request must not have caught the log up and signed first.
    const signing = jest.spyOn(audit.get(ProofLogs), 'signedNow');
    try {
      const third = await get('/transparency/evaluation/export?stream=pledge-a');
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toMatch(/^application\/json/);
      expect(third.headers['x-vanguard-events']).toBeUndefined();
      expect(JSON.stringify(third.body)).toContain('per user');
      for (const route of ['completeness', 'completeness?stream=pledge-a', 'export-log'])
        expect({ route, status: (await get(`/transparency/evaluation/${route}`)).status }).toEqual({ route, status: 429 });
      // verify shares the slots: refused before its first line, as JSON.
      for (const path of ['/verify', '/verify?stream=pledge-a']) {
        const res = await get(path);
        expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({
          path,
          status: 429,
          type: expect.stringMatching(/^application\/json/),
        });
      }
      expect(signing).not.toHaveBeenCalled();
      // Refused, and in the trail as refused, each once: a supervisor sees who tried.
      const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
      const trail = await get(`/audit-trail?auditor=${sub}&limit=6`, 'province.audit_supervisor').expect(200);
      const refused = 'LIMIT.TOO_MANY';
      expect(trail.body.entries).toEqual([
        expect.objectContaining({ query: 'verify', streams: ['pledge-a'], params: { stream: 'pledge-a', refused } }),
        expect.objectContaining({ query: 'verify', streams: [], params: { everything: true, refused } }),
        expect.objectContaining({ query: 'export', streams: [], params: { context: 'evaluation', whole: true, refused } }),
        expect.objectContaining({ query: 'completeness', streams: ['pledge-a'], params: { context: 'evaluation', refused } }),
        expect.objectContaining({ query: 'completeness', streams: [], params: { context: 'evaluation', refused } }),
        expect.objectContaining({ query: 'export', streams: ['pledge-a'], params: { context: 'evaluation', refused } }),
      ]);
    } finally {
      signing.mockRestore();
      for (const r of held) r.destroy();
    }
    await waitUntil(
      'the held exports to let go',
      async () => ((await exportConnections()) === 0 && audit.get(LongWork).active === 0) || undefined,
      {
        timeoutMs: 10_000,
      },
    );
  });

  it('lets go of the connection and the slot at once when the client abandons a download', async () => {
    const req = await heldExport();
    const longWork = audit.get(LongWork);
    await waitUntil(
      'the export to hold its connection',
      async () => ((await exportConnections()) > 0 && longWork.active > 0) || undefined,
      {
        timeoutMs: 10_000,
      },
    );
    req.destroy();
    await waitUntil(
      'the abandoned export to let go',
      async () => ((await exportConnections()) === 0 && longWork.active === 0) || undefined,
      {
        timeoutMs: 10_000,
      },
    );
  });

  it('exports the whole log as one bundle whose root and stream heads the lib recomputes, and refuses it once a row is rewritten', async () => {
    const key = (res: request.Response) => NoteVerifier.parse((res.headers['x-vanguard-verify'] as string).split("'")[1]!);
    const whole = await getBytes('/transparency/evaluation/export-log').expect(200);
    expect(whole.headers['content-type']).toBe('application/gzip');
    expect(whole.headers['x-vanguard-verify']).toMatch(/^npx vanguard-verify evidence-log-evaluation-2003\.tgz --key '/);
    const report = await verifyBundle(whole.body as Buffer, { trustedKeys: [key(whole)], allowDevelopmentKey: true });
    expect(report).toMatchObject({ keyPinned: true, events: 2003, streams: [], wholeLog: { streams: 2 } });
    expect([whole.headers['x-vanguard-events'], whole.headers['x-vanguard-streams']]).toEqual(['2003', '2']);
    expect((await get('/transparency/nowhere/export-log').expect(400)).body.errors).toEqual([
      { field: 'context', reason: expect.any(String) },
    ]);
    expect((await get('/transparency/evaluation/export-log?earlier=x').expect(400)).body.errors).toEqual([
      { field: 'earlier', reason: expect.any(String) },
    ]);
    expect((await get('/transparency/evaluation/export-log', 'county.organizer')).status).toBe(403);

    const sub = JSON.parse(Buffer.from(tokens['province.auditor']!.split('.')[1]!, 'base64url').toString()).sub as string;
    // Written once the bundle's last byte is out, which the client may have read first.
    const trail = await waitUntil('the whole-log export recorded as completed', async () => {
      const t = await get(`/audit-trail?auditor=${sub}&limit=2`, 'province.audit_supervisor').expect(200);
      return (t.body.entries[0]?.query === 'export-completed' && t) || undefined;
    });
    expect(trail.body.entries).toMatchObject([
      { query: 'export-completed', params: { whole: true, size: 2003, bytes: (whole.body as Buffer).length } },
      { query: 'export', params: { whole: true, size: 2003 } },
    ]);

    // The database owner rewrites one stored text (the chain columns left alone): the log read it as it was.
    const original = await db.pool.query<{ canonical: string }>(
      `select canonical from "${db.schema}".events where stream_id = 'pledge-b' and stream_version = 7`,
    );
    await asOwner(
      `update "${db.schema}".events set canonical = replace(canonical, '"n":6', '"n":66') where stream_id = 'pledge-b' and stream_version = 7`,
    );
    try {
      const rewritten = await getBytes('/transparency/evaluation/export-log').expect(200);
      await expect(
        verifyBundle(rewritten.body as Buffer, { trustedKeys: [key(rewritten)], allowDevelopmentKey: true }),
      ).rejects.toMatchObject({
        code: 'ROOT_MISMATCH',
      });
    } finally {
      await asOwner(`update "${db.schema}".events set canonical = $1 where stream_id = 'pledge-b' and stream_version = 7`, [
        original.rows[0]!.canonical,
      ]);
    }
  });

  it('saves the whole log from `npm run audit -- export-log` with a bar of events, and says how to verify it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-log-'));
    try {
      const out = join(dir, 'log.tgz');
      const url = await listening();
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          ['-r', '@swc-node/register', 'services/audit/src/cli/audit-cli.ts', 'export-log', 'evaluation', '--out', out],
          {
            cwd: join(__dirname, '..', '..', '..'),
            env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: tokens['province.auditor'] },
          },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('2,003/2,003 events · done');
      expect(run.stdout).toContain(`verify offline: npx vanguard-verify ${out} --key '`);
      const report = await verifyBundle(readFileSync(out), { allowDevelopmentKey: true });
      expect(report).toMatchObject({ events: 2003, wholeLog: { streams: 2 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A gzip answer as bytes. */
  const getBytes = (path: string) => get(path).buffer(true).parse(binaryBody);

  /** A statement as the database owner with the store's triggers off (what only the owner can do). */
  async function asOwner(sql: string, params: unknown[] = []): Promise<void> {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(sql, params);
      await c.query('commit');
    } finally {
      c.release();
    }
  }

  it('lists an event smuggled in below the log’s read position as missing from the log', async () => {
    await get('/transparency/evaluation/checkpoint').expect(200);
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      // An older transaction id than any the log has read: the feed has passed it and will never see it.
      await c.query(
        `insert into "${db.schema}".events (transaction_id, stream_id, stream_version, event_id, type, version, occurred_at, recorded_at,
           org_id, correlation_id, causation_id, prev_hash, hash, canonical)
         select '1'::xid8, 'pledge-smuggled', 1, gen_random_uuid(), type, version, occurred_at, recorded_at, org_id, correlation_id,
           causation_id, prev_hash, hash, replace(canonical, '"pledge-a"', '"pledge-smuggled"')
           from "${db.schema}".events where stream_id = 'pledge-a' and stream_version = 1`,
      );
      await c.query('commit');
    } finally {
      c.release();
    }
    const res = await get('/transparency/evaluation/completeness').expect(200);
    expect(res.body).toMatchObject({ complete: false, size: 2003, storeEvents: 2004, rootMatches: false, missingCount: 1 });
    expect(res.body.missing).toEqual([{ streamId: 'pledge-smuggled', streamVersion: 1, position: expect.any(Number), expectedLeaf: 0 }]);
  });

  it('lets go of the connection and the slot when the client abandons a whole-log download', async () => {
    // Last, on a store grown to ~10 MB of texts: more than the sockets buffer, so the export is
    // still reading when its client stops (2,000 events would all fit in flight and finish).
    const store = new PostgresEventStore(db.pool, { schema: db.schema });
    for (let from = 0; from < 8000; from += 500)
      await store.append(
        'pledge-long',
        Array.from({ length: 500 }, (_, i) => ({ type: 'evaluation.PledgeMade', data: { n: from + i, content: filler } })),
        { expectedVersion: from === 0 ? 'no_stream' : from, context },
      );
    const req = await heldExport('/transparency/evaluation/export-log');
    await waitUntil('the export to hold its connection', async () => (await exportConnections()) > 0 || undefined, { timeoutMs: 10_000 });
    req.destroy();
    await waitUntil(
      'the abandoned export to let go',
      async () => ((await exportConnections()) === 0 && audit.get(LongWork).active === 0) || undefined,
      { timeoutMs: 10_000 },
    );
  });

  it('cuts a whole-log download whose client stops reading, letting go of its connection and slot, though the client never leaves', async () => {
    // After the store grew to ~10 MB above: the bundle is still being written when its reader stops.
    process.env['AUDIT_DOWNLOAD_STALL_MS'] = '1000';
    const req = await heldExport('/transparency/evaluation/export-log');
    try {
      await waitUntil('the export to hold its connection', async () => (await exportConnections()) > 0 || undefined, { timeoutMs: 10_000 });
      await waitUntil(
        'the stalled export to be cut and let go',
        async () => ((await exportConnections()) === 0 && audit.get(LongWork).active === 0) || undefined,
        { timeoutMs: 15_000 },
      );
    } finally {
      delete process.env['AUDIT_DOWNLOAD_STALL_MS'];
      req.destroy();
    }
  });

  /** The read-only role's one-connection pools that long work opens, still there. */
  async function exportConnections(): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where usename = $1 and application_name like 'audit-verify-%'`,
      [AUDIT_READER_ROLE],
    );
    return Number(rows[0]!.n);
  }
});

import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ROOT = path.join(__dirname, '..', '..', '..');
const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'prove-cli-test',
};

/**
 * `npm run audit -- prove` as an auditor runs it, against the service over HTTP: inclusion of one
 * event and of a whole stream (page by page past 2,000 events) in the latest published checkpoint, consistency from a checkpoint
 * saved earlier, each checked by the CLI itself against the pinned key; a proof altered on the
 * wire (a proxy flips a bit), a row rewritten as the database owner, and an unpinned key all fail
 * with a verdict and a non-zero exit.
 */
describe('audit CLI: prove (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication;
  let store: PostgresEventStore;
  let url: string;
  let proxyUrl: string;
  let proxy: http.Server;
  let token: string;
  let supervisor: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'prove-'));
  const versions: Record<string, number> = {};
  const made = async (stream: string, n: number) => {
    const from = versions[stream] ?? 0;
    const events = Array.from({ length: n }, (_, i) => ({ type: 'evaluation.PledgeMade', data: { n: from + i + 1 } }));
    await store.append(stream, events, { expectedVersion: from === 0 ? 'no_stream' : from, context });
    versions[stream] = from + n;
  };
  /** Publishes a checkpoint once the log has read `size` events (they pass the safe horizon as other transactions end). */
  const publish = (size: number) =>
    waitUntil(
      `a checkpoint of size ${size}`,
      async () => {
        const res = await request(audit.getHttpServer())
          .post('/witness/evaluation/publish')
          .set({ Authorization: `Bearer ${supervisor}` })
          .expect(200);
        return res.body.size === size ? (res.body.checkpoint as string) : undefined;
      },
      PAST_THE_HORIZON,
    );
  const cli = (args: string[], base = url, env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', 'services/audit/src/cli/audit-cli.ts', ...args],
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: base, VANGUARD_TOKEN: token, VANGUARD_LOG_VKEY: '', ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createTestSchema('audit_prove');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    audit = await createAuditTestApp({ schemas: { evaluation: db.schema, commendation: db.schema } });
    await audit.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
    token = await tokenFor('province.auditor');
    supervisor = await tokenFor('province.audit_supervisor');
    // A man in the middle: passes everything through, but flips one bit of the first hash of every proof it carries.
    proxy = http.createServer((req, res) => {
      void fetch(`${url}${req.url ?? '/'}`, { headers: { authorization: req.headers.authorization ?? '' } }).then(async (r) => {
        let body = await r.text();
        if (/\/transparency\/evaluation\/(proof|consistency)/.test(req.url ?? '')) {
          const json = JSON.parse(body) as { proof?: string[]; events?: { path: string[] }[] };
          const flip = (h: string) => {
            const raw = Buffer.from(h, 'base64');
            raw[0]! ^= 1;
            return raw.toString('base64');
          };
          if (json.proof?.[0]) json.proof[0] = flip(json.proof[0]);
          for (const e of json.events ?? []) if (e.path[0]) e.path[0] = flip(e.path[0]);
          body = JSON.stringify(json);
        }
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await audit?.close();
    // The audit tables outlive this suite's store: its checkpoints go with it.
    if (db) await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
    await db?.drop();
  });

  it('proves an event, a whole stream and an earlier checkpoint a prefix, offline against the pinned key', async () => {
    await made('pledge-a', 3);
    await made('pledge-b', 2);
    writeFileSync(path.join(dir, 'old.note'), await publish(5));
    await made('pledge-a', 2);
    await made('pledge-c', 1);
    await publish(8);

    const whole = await cli([
      'prove',
      'inclusion',
      'evaluation',
      '--stream',
      'pledge-a',
      '--allow-development-key',
      '--save-checkpoint',
      path.join(dir, 'new.note'),
    ]);
    expect(whole).toMatchObject({ code: 0 });
    expect(whole.stdout).toContain('✓ 已证明 / PROVEN');
    expect(whole.stdout).toContain(
      'the 5 events of pledge-a are in the signed checkpoint of vanguard.example/evaluation at size 8, and are all of the stream',
    );
    expect(readFileSync(path.join(dir, 'new.note'), 'utf8')).toMatch(/^vanguard\.example\/evaluation\n8\n/);

    const one = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-b', '--version', '2', '--allow-development-key']);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toMatch(/version 2 of pledge-b is leaf 4 of the signed checkpoint/);

    const none = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-zz', '--allow-development-key']);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toContain('the 0 events of pledge-zz');

    const prefix = await cli(['prove', 'consistency', 'evaluation', '--old', path.join(dir, 'old.note'), '--allow-development-key']);
    expect(prefix).toMatchObject({ code: 0 });
    expect(prefix.stdout).toContain('the checkpoint of size 5 is a prefix of the one of size 8');
  });

  it('fails a proof altered on the wire, with a verdict and exit 3', async () => {
    const inclusion = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-a', '--allow-development-key'], proxyUrl);
    expect(inclusion.code).toBe(3);
    expect(inclusion.stdout).toContain('✗ 证明不成立 / PROOF FAILED');
    expect(inclusion.stdout).toContain('version 1 of pledge-a is not in the checkpoint of size 8: its text or path was changed');

    const consistency = await cli(
      ['prove', 'consistency', 'evaluation', '--old', path.join(dir, 'old.note'), '--allow-development-key'],
      proxyUrl,
    );
    expect(consistency.code).toBe(3);
    expect(consistency.stdout).toMatch(/does not rebuild the (old|new) root/);
  });

  it('refuses an unpinned key, and the development key unless allowed', async () => {
    expect((await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-a'])).code).toBe(2);
    const dev = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-a'], url, {
      VANGUARD_LOG_VKEY: (
        await request(audit.getHttpServer())
          .get('/transparency/evaluation/checkpoint')
          .set({ Authorization: `Bearer ${token}` })
      ).body.vkey,
    });
    expect(dev.code).toBe(3);
    expect(dev.stdout).toContain('public development key');
  });

  it('fails a stream whose row the database owner rewrote after it was logged', async () => {
    const { rows } = await db.pool.query<{ canonical: string }>(
      `select canonical from "${db.schema}".events where stream_id = 'pledge-b' and stream_version = 1`,
    );
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(`update "${db.schema}".events set canonical = $1 where stream_id = 'pledge-b' and stream_version = 1`, [
        rows[0]!.canonical.replace('"n":1', '"n":9'),
      ]);
      await c.query('commit');
    } finally {
      c.release();
    }
    const res = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-b', '--allow-development-key']);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('version 1 of pledge-b is not in the checkpoint of size 8');
  });

  it('proves a stream longer than one answer page by page, and says how to page when asked for it at once', async () => {
    await made('pledge-long', 2_001);
    await publish(8 + 2_001);
    const res = await cli(['prove', 'inclusion', 'evaluation', '--stream', 'pledge-long', '--allow-development-key']);
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toContain(
      'the 2001 events of pledge-long are in the signed checkpoint of vanguard.example/evaluation at size 2009, and are all of the stream as of it (2 pages)',
    );
    const proof = (query: Record<string, unknown>) =>
      request(audit.getHttpServer())
        .get('/transparency/evaluation/proof')
        .query(query)
        .set({ Authorization: `Bearer ${token}` });
    const atOnce = await proof({ stream: 'pledge-long', size: 2009 }).expect(400);
    expect(JSON.stringify(atOnce.body)).toContain('fromVersion');
    const last = await proof({ stream: 'pledge-long', size: 2009, fromVersion: 2001 }).expect(200);
    expect(last.body).toMatchObject({ fromVersion: 2001, next: null, mapProof: null });
    expect((last.body as { events: { version: number }[] }).events.map((e) => e.version)).toEqual([2001]);
    await proof({ stream: 'pledge-long', size: 2009, version: 1, fromVersion: 1 }).expect(400);
    await proof({ stream: 'pledge-long', size: 2009, fromVersion: 2002 }).expect(404);
  });
});

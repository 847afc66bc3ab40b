import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { GENESIS_HASH, PostgresEventStore, createReadOnlyRole, createServiceRole, migrate as migrateStore } from '@vanguard/event-store';
import { serviceRole } from '@vanguard/infra-config';
import { parseCheckpointBody, splitNote, trailOf } from '@vanguard/transparency-log';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ROOT = path.join(__dirname, '..', '..', '..');
const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'trail-proofs-test',
};

/**
 * ADR 0077: the auditors' trail is a log of its own whose size, root and stream map every signed
 * checkpoint of the audited stores commits to. A supervisor proves an auditor's entries — one, or
 * all of them — offline against a published note (`npm run audit -- prove trail`); an entry the
 * database owner rewrites is named; a trail rewritten consistently (texts and chain hashes) and
 * rebuilt by a restart proves itself against the new note, and only the consistency proof from the
 * note kept before fails. The suite has a store and a trail of its own.
 */
describe('audit trail: committed in the signed checkpoints and proven offline (e2e)', () => {
  let storeDb: TestSchema;
  let trailDb: TestSchema;
  let audit: INestApplication | undefined;
  let store: PostgresEventStore;
  let url: string;
  let auditor: string;
  let supervisor: string;
  let sub: string;
  let storeSize = 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'trail-proofs-'));
  const kept = path.join(dir, 'kept.note');

  const start = async () => {
    await audit?.close();
    audit = await createAuditTestApp({
      schemas: { evaluation: storeDb.schema, commendation: storeDb.schema },
      trailSchema: trailDb.schema,
    });
    await audit.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
  };
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const trailSize = (note: string) => trailOf(parseCheckpointBody(splitNote(note).body))?.size ?? -1;
  /**
   * One more store event, then a checkpoint published once the trail's log has read every entry
   * written so far (they pass the safe horizon as other transactions end): a store that did not
   * grow keeps its published note, whatever the trail did since.
   */
  const publish = async (): Promise<string> => {
    await store.append('pledge-a', [{ type: 'evaluation.PledgeMade', data: { n: storeSize + 1 } }], {
      expectedVersion: storeSize === 0 ? 'no_stream' : storeSize,
      context,
    });
    storeSize += 1;
    const written = async () => Number((await trailDb.pool.query(`select count(*) from "${trailDb.schema}".events`)).rows[0].count);
    return waitUntil(
      `a checkpoint of size ${storeSize} with the whole trail`,
      async () => {
        const n = await written();
        const now = await request(audit!.getHttpServer()).get('/transparency/evaluation/checkpoint').set(as(supervisor)).expect(200);
        if (now.body.size !== storeSize || trailSize(now.body.checkpoint) < n) return undefined;
        const res = await request(audit!.getHttpServer()).post('/witness/evaluation/publish').set(as(supervisor)).expect(200);
        return res.body.size === storeSize ? (res.body.checkpoint as string) : undefined;
      },
      PAST_THE_HORIZON,
    );
  };
  const cli = (args: string[], token = supervisor) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          'services/audit/src/cli/audit-cli.ts',
          'prove',
          'trail',
          'evaluation',
          ...args,
          '--allow-development-key',
        ],
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: token, VANGUARD_LOG_VKEY: '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  /** As the database owner, past the append-only triggers: `change` each of the auditor's entries, the chain hashes too when `chain`. */
  const rewrite = async (versions: number[], change: (canonical: string) => string, chain: boolean) => {
    const c = await trailDb.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      const { rows } = await c.query<{ stream_version: string; canonical: string }>(
        `select stream_version, canonical from "${trailDb.schema}".events where stream_id = $1 order by stream_version`,
        [`auditor-${sub}`],
      );
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const canonical = versions.includes(Number(r.stream_version)) ? change(r.canonical) : r.canonical;
        expect(versions.includes(Number(r.stream_version)) ? canonical !== r.canonical : true).toBe(true);
        const hash = createHash('sha256')
          .update(prev + canonical)
          .digest('hex');
        if (chain)
          await c.query(
            `update "${trailDb.schema}".events set canonical = $1, prev_hash = $2, hash = $3 where stream_id = $4 and stream_version = $5`,
            [canonical, prev, hash, `auditor-${sub}`, r.stream_version],
          );
        else
          await c.query(`update "${trailDb.schema}".events set canonical = $1 where stream_id = $2 and stream_version = $3`, [
            canonical,
            `auditor-${sub}`,
            r.stream_version,
          ]);
        prev = hash;
      }
      await c.query('commit');
    } finally {
      c.release();
    }
  };

  beforeAll(async () => {
    storeDb = await createTestSchema('audit_trail_store');
    await migrateStore(storeDb.pool, { schema: storeDb.schema });
    await createReadOnlyRole(storeDb.pool, { schema: storeDb.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(storeDb.pool, { schema: storeDb.schema, groupCommit: false });
    // The trail's store, made as `npm run migrate` makes `audit`'s: the service's role may only append and read.
    trailDb = await createTestSchema('audit_trail_log');
    await migrateStore(trailDb.pool, { schema: trailDb.schema });
    await createServiceRole(trailDb.pool, { schema: trailDb.schema, role: serviceRole('audit') });
    auditor = await tokenFor('province.auditor');
    supervisor = await tokenFor('province.audit_supervisor');
    sub = JSON.parse(Buffer.from(auditor.split('.')[1]!, 'base64url').toString()).sub as string;
    await start();
  });
  afterAll(async () => {
    await audit?.close();
    // The audit tables outlive this suite's store: its checkpoints go with it.
    if (storeDb) await storeDb.pool.query(`delete from audit.log_checkpoints where store = $1`, [storeDb.schema]);
    await storeDb?.drop();
    await trailDb?.drop();
  });

  it('commits the trail in the published checkpoint, and proves an auditor’s entries, one and all, to a supervisor only', async () => {
    await publish();
    await request(audit!.getHttpServer()).get('/streams/pledge-a/timeline').set(as(auditor)).expect(200);
    await request(audit!.getHttpServer()).get('/streams/pledge-a/as-of?version=1').set(as(auditor)).expect(200);
    const note = await publish();
    // The public note carries the trail's size, root and map root: hashes, no query.
    expect(note).toMatch(
      /^vanguard\.example\/evaluation\n2\n\S{44}\nvanguard-streams\/v1 1 \S{44}\nvanguard-trail\/v1 \d+ \S{44} 2 \S{44}\n\n/,
    );
    expect((await request(audit!.getHttpServer()).get('/witness/evaluation/checkpoint')).body.checkpoint).toBe(note);

    const all = await cli(['--auditor', sub, '--save-checkpoint', kept]);
    expect(all).toMatchObject({ code: 0 });
    expect(all.stdout).toContain(`the 2 entries of auditor-${sub} are in the auditors' trail of size ${trailSize(note)}`);
    expect(all.stdout).toContain('and are all of them');
    expect(readFileSync(kept, 'utf8')).toBe(note);
    const one = await cli(['--auditor', sub, '--version', '2']);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toMatch(new RegExp(`entry 2 of auditor-${sub} is leaf \\d+ of the auditors' trail`));

    // The trail stays the supervisor's: an auditor is refused its proofs, by the CLI and over HTTP.
    expect((await cli(['--auditor', sub], auditor)).code).toBe(1);
    await request(audit!.getHttpServer()).get(`/audit-trail/proof?auditor=${sub}&size=1`).set(as(auditor)).expect(403);
    await request(audit!.getHttpServer()).get('/audit-trail/consistency?from=1&to=2').set(as(auditor)).expect(403);
    const trail = await request(audit!.getHttpServer()).get(`/audit-trail?auditor=${sub}&limit=5`).set(as(supervisor)).expect(200);
    expect(trail.body.entries.map((e: { query: string }) => e.query)).toEqual(['as-of', 'timeline']);
  });

  it('names the entry the database owner rewrote after it was logged', async () => {
    await rewrite([1], (t) => t.replace('"query":"timeline"', '"query":"diff"'), false);
    const res = await cli(['--auditor', sub]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('✗ 证明不成立 / PROOF FAILED');
    expect(res.stdout).toMatch(
      new RegExp(
        `the auditors' trail \\(committed by vanguard.example/evaluation, size \\d+\\): version 1 of auditor-${sub} is not in the checkpoint`,
      ),
    );
    // Entry 2 is untouched: it still proves on its own.
    expect((await cli(['--auditor', sub, '--version', '2'])).code).toBe(0);
  });

  it('catches a trail rewritten consistently and rebuilt by a restart, by the consistency proof from the note kept before', async () => {
    await rewrite([1, 2], (t) => t.replace(/"query":"[a-z-]+"/, '"query":"verify"'), true);
    await start(); // the trail's log is rebuilt from the rewritten rows: its new commitment agrees with them
    const later = await publish();
    expect(trailSize(later)).toBeGreaterThan(trailSize(readFileSync(kept, 'utf8')));

    // Against the new note alone, nothing tells: the rewritten entries prove themselves.
    expect((await cli(['--auditor', sub])).code).toBe(0);
    const prefix = await cli(['--old', kept]);
    expect(prefix.code).toBe(3);
    const keptSize = trailSize(readFileSync(kept, 'utf8'));
    expect(prefix.stdout).toContain(
      `the auditors' trail of size ${keptSize} is not a prefix of the one of size ${trailSize(later)} (an entry was removed or rewritten)`,
    );
    // The store's own history is untouched: its consistency from the same note still proves.
    const storeOnly = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          'services/audit/src/cli/audit-cli.ts',
          'prove',
          'consistency',
          'evaluation',
          '--old',
          kept,
          '--allow-development-key',
        ],
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: auditor, VANGUARD_LOG_VKEY: '' } },
        (error) => resolve(error ? Number(error.code ?? 1) : 0),
      ),
    );
    expect(storeOnly).toBe(0);
  });
});

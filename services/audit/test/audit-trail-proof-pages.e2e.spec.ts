import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { PostgresEventStore, createReadOnlyRole, createServiceRole, migrate as migrateStore } from '@vanguard/event-store';
import { infraConfig, serviceRole } from '@vanguard/infra-config';
import { parseCheckpointBody, splitNote, trailOf } from '@vanguard/transparency-log';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { MAX_PROVED_EVENTS } from '../src/application/store-log';
import { auditConfig } from '../src/audit.config';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ROOT = path.join(__dirname, '..', '..', '..');
/** Pages of 3 entries: 8 entries span three, through the code that pages 2,000 at a time in production. */
const PAGE = 3;
const QUERIES = 8;
const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'trail-proof-pages-test',
};

/**
 * ADR 0077's claim — a supervisor proves ALL of an auditor's entries against a signed checkpoint —
 * for an auditor with more entries than one proof answer holds: `prove trail` fetches the pages,
 * checks each entry's inclusion, carries the hash chain across them and checks its head against
 * the auditor's map entry; an entry the database owner rewrote in a later page is still named.
 * The suite has a store and a trail of its own, and the app pages the trail by 3 instead of 2,000.
 */
describe('audit trail: all of an auditor’s entries proven across pages (e2e)', () => {
  let storeDb: TestSchema;
  let trailDb: TestSchema;
  let audit: INestApplication;
  let store: PostgresEventStore;
  let url: string;
  let auditor: string;
  let supervisor: string;
  let sub: string;
  let storeSize = 0;

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const trailSize = (note: string) => trailOf(parseCheckpointBody(splitNote(note).body))?.size ?? -1;
  /** One more store event, then a checkpoint published once the trail's log has read every entry written so far. */
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
        const now = await request(audit.getHttpServer()).get('/transparency/evaluation/checkpoint').set(as(supervisor)).expect(200);
        if (now.body.size !== storeSize || trailSize(now.body.checkpoint) < n) return undefined;
        const res = await request(audit.getHttpServer()).post('/witness/evaluation/publish').set(as(supervisor)).expect(200);
        return res.body.size === storeSize ? (res.body.checkpoint as string) : undefined;
      },
      PAST_THE_HORIZON,
    );
  };
  const proveTrail = (args: string[]) =>
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
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: supervisor, VANGUARD_LOG_VKEY: '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  /** The pages the supervisor asked for, as their own trail recorded them (oldest first). */
  const pagesAsked = async () => {
    const res = await request(audit.getHttpServer()).get(`/audit-trail?limit=200`).set(as(supervisor)).expect(200);
    return (res.body.entries as { query: string; params: { fromVersion?: number; version?: number } }[])
      .filter((e) => e.query === 'trail-proof')
      .map((e) => e.params.fromVersion ?? `v${e.params.version}`)
      .reverse();
  };

  beforeAll(async () => {
    storeDb = await createTestSchema('audit_trail_pages_store');
    await migrateStore(storeDb.pool, { schema: storeDb.schema });
    await createReadOnlyRole(storeDb.pool, { schema: storeDb.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(storeDb.pool, { schema: storeDb.schema, groupCommit: false });
    trailDb = await createTestSchema('audit_trail_pages_log');
    await migrateStore(trailDb.pool, { schema: trailDb.schema });
    await createServiceRole(trailDb.pool, { schema: trailDb.schema, role: serviceRole('audit') });
    auditor = await tokenFor('province.auditor');
    supervisor = await tokenFor('province.audit_supervisor');
    sub = JSON.parse(Buffer.from(auditor.split('.')[1]!, 'base64url').toString()).sub as string;
    audit = await createAuditTestApp({
      schemas: { evaluation: storeDb.schema, commendation: storeDb.schema },
      trailSchema: trailDb.schema,
      trailProofPage: PAGE,
    });
    await audit.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await audit?.close();
    if (storeDb) await storeDb.pool.query(`delete from audit.log_checkpoints where store = $1`, [storeDb.schema]);
    await storeDb?.drop();
    await trailDb?.drop();
  });

  it('pages the proof in production at the one-answer cap: only a test sets fewer', () => {
    expect(auditConfig(infraConfig(), 'platform').trailProofPage).toBe(MAX_PROVED_EVENTS);
  });

  it('proves all of an auditor’s entries across pages, the map entry given on the first page only', async () => {
    await publish();
    for (let i = 0; i < QUERIES; i++) await request(audit.getHttpServer()).get('/streams/pledge-a/timeline').set(as(auditor)).expect(200);
    const note = await publish();
    const size = trailSize(note);

    const page2 = await request(audit.getHttpServer())
      .get(`/audit-trail/proof?auditor=${sub}&size=${size}&fromVersion=4`)
      .set(as(supervisor))
      .expect(200);
    expect(page2.body).toMatchObject({ fromVersion: 4, mapProof: null, next: 7 });
    expect(page2.body.events.map((e: { version: number }) => e.version)).toEqual([4, 5, 6]);
    const first = await request(audit.getHttpServer())
      .get(`/audit-trail/proof?auditor=${sub}&size=${size}`)
      .set(as(supervisor))
      .expect(200);
    expect(first.body).toMatchObject({ fromVersion: 1, next: 4, mapProof: { kind: 'present', leaf: { entry: { version: QUERIES } } } });
    await request(audit.getHttpServer())
      .get(`/audit-trail/proof?auditor=${sub}&size=${size}&fromVersion=2&version=2`)
      .set(as(supervisor))
      .expect(400);
    await request(audit.getHttpServer())
      .get(`/audit-trail/proof?auditor=${sub}&size=${size}&fromVersion=${QUERIES + 1}`)
      .set(as(supervisor))
      .expect(404);

    const before = (await pagesAsked()).length;
    const all = await proveTrail(['--auditor', sub]);
    expect(all).toMatchObject({ code: 0 });
    expect(all.stdout).toContain(
      `the ${QUERIES} entries of auditor-${sub} are in the auditors' trail of size ${size} that the signed checkpoint of vanguard.example/evaluation at size ${storeSize} commits to, and are all of them (3 pages)`,
    );
    expect((await pagesAsked()).slice(before)).toEqual([1, 4, 7]);
  });

  it('names an entry the database owner rewrote in a later page', async () => {
    const c = await trailDb.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      const changed = await c.query(
        `update "${trailDb.schema}".events set canonical = replace(canonical, '"query":"timeline"', '"query":"diff"')
          where stream_id = $1 and stream_version = 7`,
        [`auditor-${sub}`],
      );
      expect(changed.rowCount).toBe(1);
      await c.query('commit');
    } finally {
      c.release();
    }
    const res = await proveTrail(['--auditor', sub]);
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('✗ 证明不成立 / PROOF FAILED');
    expect(res.stdout).toMatch(
      new RegExp(
        `the auditors' trail \\(committed by vanguard.example/evaluation, size \\d+\\): version 7 of auditor-${sub} is not in the checkpoint`,
      ),
    );
    // The pages before it still check: entry 6 proves on its own.
    expect((await proveTrail(['--auditor', sub, '--version', '6'])).code).toBe(0);
  });
});

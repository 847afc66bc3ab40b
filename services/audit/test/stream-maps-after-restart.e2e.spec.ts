import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { developmentLogSigner } from '@vanguard/transparency-log';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { checkEvents, checkWholeStream, openCheckpoint, pinKey, type MapProof, type ProvedEvent } from '../src/cli/proof-check';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ROOT = path.join(__dirname, '..', '..', '..');
const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'stream-maps-restart-test',
};

/**
 * A checkpoint signed by one run of the service still proves a stream complete after a restart
 * (ADR 0054): the new process never signed that size, and the streams grew since, so it rebuilds
 * the checkpoint's stream map from its log and the store's chain hashes. Checked by the CLI and
 * by the CLI's own verifier, offline, against the note saved before the restart.
 */
describe('audit: stream maps of checkpoints signed before a restart (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication | undefined;
  let store: PostgresEventStore;
  let token: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'maps-restart-'));
  const versions: Record<string, number> = {};
  const made = async (stream: string, n: number) => {
    const from = versions[stream] ?? 0;
    const events = Array.from({ length: n }, (_, i) => ({ type: 'evaluation.PledgeMade', data: { n: from + i + 1 } }));
    await store.append(stream, events, { expectedVersion: from === 0 ? 'no_stream' : from, context });
    versions[stream] = from + n;
  };
  const start = async () => {
    const app = await createAuditTestApp({ schemas: { evaluation: db.schema, commendation: db.schema } });
    await app.listen(0, '127.0.0.1');
    return app;
  };

  beforeAll(async () => {
    db = await createTestSchema('audit_maps_restart');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    token = await tokenFor('province.auditor');
  });
  afterAll(async () => {
    await audit?.close();
    if (db) await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
    await db?.drop();
  });

  it('proves a stream complete as of a checkpoint the previous process signed, after its streams grew', async () => {
    await made('pledge-a', 3);
    await made('pledge-b', 2);
    audit = await start();
    const supervisor = await tokenFor('province.audit_supervisor');
    const note = await waitUntil(
      'a checkpoint of size 5',
      async () => {
        const res = await request(audit!.getHttpServer())
          .post('/witness/evaluation/publish')
          .set({ Authorization: `Bearer ${supervisor}` })
          .expect(200);
        return res.body.size === 5 ? (res.body.checkpoint as string) : undefined;
      },
      PAST_THE_HORIZON,
    );
    writeFileSync(path.join(dir, 'before.note'), note);
    // pledge-a's head at size 5 is no longer its head; pledge-c had no events then.
    await made('pledge-a', 2);
    await made('pledge-c', 1);
    await audit.close();
    audit = await start();

    const url = `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
    const cli = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          'services/audit/src/cli/audit-cli.ts',
          'prove',
          'inclusion',
          'evaluation',
          '--stream',
          'pledge-a',
        ].concat(['--checkpoint', path.join(dir, 'before.note'), '--allow-development-key']),
        { cwd: ROOT, env: { ...process.env, AUDIT_URL: url, VANGUARD_TOKEN: token, VANGUARD_LOG_VKEY: '' } },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(cli.stdout).toContain(
      'the 3 events of pledge-a are in the signed checkpoint of vanguard.example/evaluation at size 5, and are all of the stream as of it',
    );
    expect(cli.code).toBe(0);

    // The stream that did not grow, and the one that did not exist yet, by the CLI's verifier in-process.
    const cp = openCheckpoint(note, pinKey(developmentLogSigner('vanguard.example/evaluation').verifier.vkey));
    for (const [stream, k] of [
      ['pledge-b', 2],
      ['pledge-c', 0],
    ] as const) {
      const res = await request(audit.getHttpServer())
        .get(`/transparency/evaluation/proof?stream=${stream}&size=5`)
        .set({ Authorization: `Bearer ${token}` })
        .expect(200);
      const answer = res.body as { events: ProvedEvent[]; mapProof: MapProof | null };
      expect(answer.events).toHaveLength(k);
      expect(answer.mapProof).not.toBeNull();
      checkEvents(cp, stream, answer.events);
      expect(() => checkWholeStream(cp, stream, answer.events, answer.mapProof!)).not.toThrow();
    }
  });
});

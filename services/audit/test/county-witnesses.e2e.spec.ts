import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { createReadOnlyRole, migrate as migrateStore, PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import {
  developmentLogSigner,
  developmentWitnessSigner,
  openCheckpoint,
  sha256,
  signCheckpoint,
  verifiedCosignatures,
  witnessPolicyFromEnv,
} from '@vanguard/transparency-log';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the county witness as counties run it, against this service over HTTP
import { AuditWitnessApi, CheckpointWitness, runWitness, witnessCheckpoint, witnessFromEnv } from '../../../libs/county-client/src/witness';
import { WitnessCosignatures } from '../src/application/witness-cosignatures';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const ORIGIN = 'vanguard.example/evaluation';
const COUNTIES = ['county-songling', 'county-hekou', 'county-third'] as const;
const context = {
  actor: { sub: 'user-1', roles: ['organizer'], orgId: 'org-1', kind: 'user' as const },
  orgId: 'org-1',
  correlationId: 'witness-e2e',
  causationId: null,
};

/**
 * Three county witnesses (the development keys, policy 2 of 3) against the audit service over
 * HTTP, auditing a store of this suite's own: growth is witnessed; the older checkpoint shown
 * again is refused by every witness as a rollback; a checkpoint signed with the log key over
 * another history is refused by every witness as a fork and gathers no quorum.
 */
describe('counties as witnesses of the audit log (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication;
  let store: PostgresEventStore;
  let api: AuditWitnessApi;
  let published: WitnessCosignatures;
  const stateDir = mkdtempSync(path.join(tmpdir(), 'witnesses-'));
  const stateFile = (c: string) => path.join(stateDir, `${c}.json`);
  const witnesses = new Map<string, CheckpointWitness>();
  const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
  let version = 0;
  const grow = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) => ({ type: 'test.Recorded', data: { n: version + i + 1 } }));
    await store.append('ledger-witnessed', events, { expectedVersion: version === 0 ? 'no_stream' : version, context });
    version += n;
  };
  const witnessed = () => request(audit.getHttpServer()).get('/witness/evaluation/witnessed');
  /** Published once the log has read `size` events: they pass the safe horizon as other suites' transactions end. */
  const publishAt = (size: number) =>
    waitUntil(
      `a checkpoint of size ${size}`,
      async () => {
        const cp = await published.publish('evaluation');
        return cp.size === size ? cp : undefined;
      },
      PAST_THE_HORIZON,
    );

  beforeAll(async () => {
    db = await createTestSchema('witness');
    await migrateStore(admin, { schema: db.schema });
    await createReadOnlyRole(admin, {
      schema: db.schema,
      role: AUDIT_READER_ROLE,
      password: process.env['VG_SERVICE_DB_PASSWORD'] ?? 'vanguard-dev',
    });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    audit = await createAuditTestApp({
      schemas: { evaluation: db.schema, commendation: db.schema },
      witnessPolicy: witnessPolicyFromEnv({}),
    });
    await audit.listen(0, '127.0.0.1');
    api = new AuditWitnessApi(`http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`, 'evaluation');
    published = audit.get(WitnessCosignatures);
    for (const c of COUNTIES) witnesses.set(c, witnessFromEnv({ client: c, stateFile: stateFile(c), env: {} }));
  });
  afterAll(async () => {
    await audit?.close();
    // The audit tables outlive this suite's store: its rows go with it.
    if (db)
      for (const t of ['checkpoint_cosignatures', 'log_checkpoints'])
        await admin.query(`delete from audit.${t} where store = $1`, [db.schema]);
    await db?.drop();
    await admin.end();
  });

  it('growth_IsWitnessedOnceTwoOfTheThreeCountiesCosigned', async () => {
    await grow(5);
    await publishAt(5);
    await witnessed().expect(404);
    const first = await witnessCheckpoint(witnesses.get('county-songling')!, api, await api.latestCheckpoint());
    expect(first).toMatchObject({ outcome: 'cosigned', size: 5, firstSeen: true, witnessed: false });
    const second = await witnessCheckpoint(witnesses.get('county-hekou')!, api, await api.latestCheckpoint());
    expect(second).toMatchObject({ outcome: 'cosigned', size: 5, witnessed: true });

    await grow(4);
    await publishAt(9);
    // The witnesses as counties run them: `npm run county -- witness` calls runWitness once.
    for (const c of COUNTIES) {
      const answer = await runWitness({ client: c, auditUrl: apiUrl(), stateFile: stateFile(c), env: {}, print: () => undefined });
      expect({ c, answer }).toMatchObject({ c, answer: { outcome: 'cosigned', size: 9 } });
    }
    const w = await witnessed().expect(200);
    expect(w.body).toMatchObject({ size: 9, quorum: 2, cosignedBy: COUNTIES.map((c) => `witness.vanguard.localhost/${c}`).sort() });
    // Checked with the lib alone: the log's signature and three cosignatures on one note.
    expect(openCheckpoint(w.body.checkpoint as string, [developmentLogSigner(ORIGIN).verifier], ORIGIN).body.size).toBe(9);
    const verifiers = COUNTIES.map((c) => developmentWitnessSigner(c).verifier);
    expect(verifiedCosignatures(w.body.checkpoint as string, verifiers)).toHaveLength(3);
  });

  it('aRolledBackCheckpoint_IsRefusedByEveryWitnessWithTheReason', async () => {
    const { rows } = await admin.query<{ note: string }>(`select note from audit.log_checkpoints where store = $1 and size = 5`, [
      db.schema,
    ]);
    for (const c of COUNTIES) {
      const answer = await witnessCheckpoint(witnesses.get(c)!, api, rows[0]!.note);
      expect({ c, answer }).toEqual({
        c,
        answer: {
          outcome: 'refused',
          code: 'WITNESS.ROLLBACK',
          reason: expect.stringMatching(/seen a tree of 9 entries; the checkpoint has only 5/),
          witnessSize: 9,
        },
      });
    }
    expect((await witnessed().expect(200)).body.size).toBe(9);
  });

  it('aForkedCheckpointSignedWithTheLogKey_IsRefusedByEveryWitnessAndGetsNoQuorum', async () => {
    await grow(2);
    const real = await publishAt(11);
    // The operator signs another history of 11 entries with the log's own key.
    const forked = signCheckpoint({ origin: ORIGIN, size: 11, root: sha256(Buffer.from('another history')) }, developmentLogSigner(ORIGIN));
    for (const c of COUNTIES) {
      const answer = await witnessCheckpoint(witnesses.get(c)!, api, forked);
      expect({ c, answer }).toMatchObject({
        c,
        answer: { outcome: 'refused', code: 'WITNESS.FORK', reason: expect.stringMatching(/not an extension of the 9/) },
      });
    }
    // Even a county that would cosign it (its key misused) cannot bring it to quorum: audit never published it.
    const misused =
      forked + developmentWitnessSigner('county-third').cosign(forked.slice(0, forked.lastIndexOf('\n\n') + 1), 1_800_000_000);
    const refused = await request(audit.getHttpServer()).post('/witness/evaluation/cosignatures').send({ checkpoint: misused }).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'checkpoint', reason: expect.stringMatching(/not a checkpoint this log published \(at size 11 it published root/) },
    ]);
    expect((await witnessed().expect(200)).body.size).toBe(9);

    // The real tree of 11 is still witnessed, and the fork at that size is then refused as a same-size fork.
    for (const c of COUNTIES.slice(0, 2))
      expect(await witnessCheckpoint(witnesses.get(c)!, api, real.note)).toMatchObject({ outcome: 'cosigned', size: 11 });
    expect((await witnessed().expect(200)).body.size).toBe(11);
    expect(await witnessCheckpoint(witnesses.get('county-songling')!, api, forked)).toMatchObject({
      code: 'WITNESS.FORK',
      reason: expect.stringMatching(/at size 11 this witness saw root/),
    });
  });

  it('cosignatures_Malformed_Are400WithTheField', async () => {
    const r = await request(audit.getHttpServer()).post('/witness/evaluation/cosignatures').send({ checkpoint: 'garbage' }).expect(400);
    // In Chinese and English, as every refusal is: the note parser's own words are English alone.
    expect(r.body.errors).toEqual([
      { field: 'checkpoint', reason: '检查点格式不正确 / not a checkpoint note: no blank line separates the text from the signatures' },
    ]);
    await request(audit.getHttpServer()).get('/witness/nowhere/checkpoint').expect(400);
  });

  function apiUrl(): string {
    return `http://127.0.0.1:${(audit.getHttpServer().address() as AddressInfo).port}`;
  }
});

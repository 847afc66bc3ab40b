import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { developmentLogSigner, formatTrailLine, TransparencyLog, trailOf, parseCheckpointBody } from '@vanguard/transparency-log';
import type { ProofLogs } from '../src/application/proof-logs';
import { WitnessCosignatures } from '../src/application/witness-cosignatures';
import { auditConfig } from '../src/audit.config';

/**
 * Published checkpoints never show the auditors' trail shrinking (witnesses refuse such a note as
 * a rollback): a signature whose trail is behind the latest published one's is made again, as by a
 * second audit instance whose trail was read earlier. The notes come from a stand-in for ProofLogs
 * (the trail's moments are what is under test); the table, lock and outbox are the service's own.
 */
describe('checkpoint publication keeps the trail from shrinking (integration)', () => {
  let db: TestSchema;
  let pool: Pool;
  let store: string;
  const origin = 'vanguard.example/evaluation-publication';
  const signer = developmentLogSigner(origin);
  const log = new TransparencyLog(origin);
  const trail = (size: number) => formatTrailLine({ size, root: Buffer.alloc(32, size), streams: { count: 1, root: Buffer.alloc(32, 1) } });
  /** The trail sizes the next signatures will carry, one per call (an instance's reads at its moments). */
  let nextTrails: number[] = [];
  let signatures = 0;
  const logs = {
    checkpoint: () => {
      signatures++;
      return Promise.resolve({ ...log.checkpoint(signer, [trail(nextTrails.shift() ?? 0)]), vkey: signer.verifier.vkey });
    },
    // The stand-in's log only grows: it always extends what it published.
    checkExtends: () => undefined,
  } as unknown as ProofLogs;
  const grow = (n: number) => {
    for (let i = 0; i < n; i++) log.append({ text: `{"n":${log.size}}`, stream: 'pledge-x', version: log.size + 1 });
  };
  const trailOfNote = (note: string) => trailOf(parseCheckpointBody(note.slice(0, note.lastIndexOf('\n\n') + 1)))?.size;

  beforeAll(async () => {
    db = await createTestSchema('cp_publication'); // its name keys this suite's rows, as a store's schema does
    store = db.schema;
    pool = new Pool({ connectionString: auditConfig(infraConfig(), 'test').trailDatabaseUrl, max: 4 });
  });
  afterAll(async () => {
    if (db) {
      await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [store]);
      await db.pool.query(`delete from audit.vanguard_outbox where stream_id like $1`, [`%${store}%`]);
    }
    await pool?.end();
    await db?.drop();
  });

  const sut = () => new WitnessCosignatures(pool, logs, { witnesses: [], quorum: 1 }, { evaluation: store, commendation: `${store}_c` });

  it('WhenAnInstanceSignsWithAnOlderTrail_SignsAgainRatherThanPublishItsTrailShrunk', async () => {
    grow(3);
    nextTrails = [12];
    expect(trailOfNote((await sut().publish('evaluation')).note)).toBe(12);
    grow(1);
    signatures = 0;
    nextTrails = [10, 13]; // read before the other's publication, then again under the lock
    const second = await sut().publish('evaluation');
    expect(signatures).toBe(2);
    expect(second.size).toBe(4);
    expect(trailOfNote(second.note)).toBe(13);
    const { rows } = await pool.query<{ size: string; note: string }>(
      `select size, note from audit.log_checkpoints where store = $1 order by size`,
      [store],
    );
    expect(rows.map((r) => [Number(r.size), trailOfNote(r.note)])).toEqual([
      [3, 12],
      [4, 13],
    ]);
  });

  it('WhenTheTrailStaysBehindEverySignature_PublishesNothingAndSaysWhy', async () => {
    grow(1);
    nextTrails = [5, 6, 7];
    await expect(sut().publish('evaluation')).rejects.toThrow(/trail \(7\) is still behind the published one \(13\) after 3 signatures/);
    const { rows } = await pool.query(`select 1 from audit.log_checkpoints where store = $1 and size = 5`, [store]);
    expect(rows).toEqual([]);
  });
});

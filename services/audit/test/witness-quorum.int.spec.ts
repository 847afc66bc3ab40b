import type { HttpException } from '@nestjs/common';
import { Pool } from 'pg';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import {
  CosignatureSigner,
  developmentLogSigner,
  developmentWitnessSigner,
  leafHash,
  signCheckpoint,
  verifiedCosignatures,
} from '@vanguard/transparency-log';
import type { ProofLogs } from '../src/application/proof-logs';
import { WitnessCosignatures } from '../src/application/witness-cosignatures';
import { auditConfig } from '../src/audit.config';

/**
 * What counts toward a quorum is what verifies under the witness keys configured now (ADR 0101):
 * rows written under a key since rotated stay but do not count, the rotated witness's new
 * cosignature is kept beside its old one, and a cosignature dated outside the service's clock or
 * before the checkpoint was published is refused. The checkpoints are inserted as published; the
 * tables and the outbox are the service's own.
 */
describe(WitnessCosignatures.name, () => {
  let db: TestSchema;
  let pool: Pool;
  let store: string;
  const origin = 'vanguard.example/evaluation-quorum';
  const log = developmentLogSigner(origin);
  const [a, b, c] = ['county-songling', 'county-hekou', 'county-third'].map(developmentWitnessSigner) as [
    CosignatureSigner,
    CosignatureSigner,
    CosignatureSigner,
  ];
  const rotatedB = new CosignatureSigner(b.name, Buffer.alloc(32, 7));
  const notes = new Map<number, string>();
  const now = () => Math.floor(Date.now() / 1000);
  const cosigned = (size: number, signer: CosignatureSigner, time = now()) => {
    const note = notes.get(size)!;
    return note + signer.cosign(note.slice(0, note.lastIndexOf('\n\n') + 1), time);
  };
  const sut = (witnesses: readonly CosignatureSigner[]) =>
    new WitnessCosignatures(
      pool,
      {} as ProofLogs,
      { witnesses: witnesses.map((w) => w.verifier), quorum: 2 },
      { evaluation: store, commendation: `${store}_c` },
    );

  beforeAll(async () => {
    db = await createTestSchema('witness_quorum');
    store = db.schema;
    pool = new Pool({ connectionString: auditConfig(infraConfig(), 'test').trailDatabaseUrl, max: 4 });
    for (const size of [3, 5, 7]) {
      const root = leafHash(`tree of ${size}`);
      notes.set(size, signCheckpoint({ origin, size, root }, log));
      await pool.query(`insert into audit.log_checkpoints (store, size, root, note) values ($1, $2, $3, $4)`, [
        store,
        size,
        root.toString('base64'),
        notes.get(size),
      ]);
    }
  });
  afterAll(async () => {
    if (db) {
      await db.pool.query(`delete from audit.checkpoint_cosignatures where store = $1`, [store]);
      await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [store]);
      await db.pool.query(`delete from audit.vanguard_outbox where stream_id like $1`, [`%${store}%`]);
    }
    await pool?.end();
    await db?.drop();
  });

  it('witnessedAndSubmit_AfterAWitnessRotatedItsKey_CountOnlyTheCosignaturesThatStillVerify_FallingBackToAnOlderCheckpoint', async () => {
    const before = sut([a, b, c]);
    for (const size of [3, 5]) for (const w of [a, b]) await before.submit('evaluation', cosigned(size, w));
    expect(await before.witnessed('evaluation')).toMatchObject({ size: 5, cosignedBy: [b.name, a.name] });

    const after = sut([a, rotatedB, c]);
    await expect(after.witnessed('evaluation')).rejects.toThrow(/not found: a evaluation checkpoint cosigned by 2 of 3 witnesses/);
    expect(await after.submit('evaluation', cosigned(3, a))).toEqual({ size: 3, witnessed: false, cosignedBy: [a.name], quorum: 2 });

    // The rotated witness's new cosignature is kept beside its old row, and counts.
    expect(await after.submit('evaluation', cosigned(3, rotatedB))).toEqual({
      size: 3,
      witnessed: true,
      cosignedBy: [b.name, a.name],
      quorum: 2,
    });
    const witnessed = await after.witnessed('evaluation');
    expect(witnessed).toMatchObject({ size: 3, cosignedBy: [b.name, a.name] });
    // The note served carries the lines that verify now: the log's, A's and B's new one, not B's old one.
    expect(witnessed.witnessedNote.split('\n\n')[1]!.trim().split('\n')).toHaveLength(3);
    expect(verifiedCosignatures(witnessed.witnessedNote, [a.verifier, rotatedB.verifier])).toHaveLength(2);
  });

  it('submit_ACosignatureDatedAheadOfTheClockOrBeforeThePublication_IsRefused400NamingIt', async () => {
    const sut7 = sut([a, b, c]);
    for (const [time, reason] of [
      [now() + 3_600, /cosignature of witness\.vanguard\.localhost\/county-third is dated \d+, more than 300 s after this service's time/],
      [Number.MAX_SAFE_INTEGER, /more than 300 s after this service's time/],
      [0, /is dated 0, more than 300 s before the checkpoint was published/],
    ] as const) {
      const refusal = await sut7.submit('evaluation', cosigned(7, c, time)).catch((e: HttpException) => e);
      expect(refusal).toMatchObject({ message: expect.stringMatching(reason) });
      expect((refusal as HttpException).getStatus()).toBe(400);
    }
    const { rows } = await pool.query(`select 1 from audit.checkpoint_cosignatures where store = $1 and size = 7`, [store]);
    expect(rows).toHaveLength(0);
    expect(await sut7.submit('evaluation', cosigned(7, c, now() - 60))).toMatchObject({ cosignedBy: [c.name] });
  });

  it('submit_ANotePaddedPastAHundredSignatureLines_IsRefused400BeforeAnyCheck', async () => {
    const one = cosigned(5, a);
    const line = one.slice(one.lastIndexOf('\n', one.length - 2) + 1);
    const refusal = await sut([a, b])
      .submit('evaluation', one + line.repeat(100))
      .catch((e: HttpException) => e);
    expect(refusal).toMatchObject({ message: expect.stringMatching(/at most 100 signatures/) });
    expect((refusal as HttpException).getStatus()).toBe(400);
  });
});

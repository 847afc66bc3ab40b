import type { QueryRunner } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { PgIdempotencyStore, idempotencyKeysMigration } from './idempotency.store';

// The keys' table on the real Postgres: one claim wins however many arrive at once, an answer is
// kept once, a failed request's key is free again, and a key past its 24 h is gone.
describe(PgIdempotencyStore.name, () => {
  let db: TestSchema;
  let sut: PgIdempotencyStore;

  beforeAll(async () => {
    db = await createTestSchema('idempotency');
    const Migration = idempotencyKeysMigration(1);
    await new Migration().up({ query: (sql: string) => db.pool.query(sql) } as unknown as QueryRunner);
    sut = new PgIdempotencyStore(db.pool);
  });
  afterAll(() => db?.drop());

  it('WhenFiftyClaimTheSameKeyAtOnce_ExactlyOneClaimsAndTheRestSeeItRunning', async () => {
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => sut.claim('u', `k-${round}`, 'f')));
      expect(answers.filter((a) => a === 'claimed')).toHaveLength(1);
      for (const a of answers.filter((x) => x !== 'claimed')) expect(a).toMatchObject({ fingerprint: 'f', status: null });
    }
  });

  it('WhenCompleted_AnswersWithTheKeptStatusAndBodyOnce', async () => {
    expect(await sut.claim('u', 'done', 'f')).toBe('claimed');
    await sut.complete('u', 'done', 201, { pledgeId: 'p-1' });
    // A late second completion (a copy that raced) does not overwrite the first answer.
    await sut.complete('u', 'done', 201, { pledgeId: 'p-2' });
    await sut.release('u', 'done');
    expect(await sut.claim('u', 'done', 'f')).toMatchObject({ status: 201, replayable: true, body: { pledgeId: 'p-1' } });
  });

  it('WhenKeptWithoutAnswer_SaysSo_WhileAnEmptyAnswerIsStillReplayable', async () => {
    await sut.claim('u', 'file', 'f');
    await sut.keepWithoutAnswer('u', 'file', 200);
    await sut.claim('u', 'empty', 'f');
    await sut.complete('u', 'empty', 204, undefined);
    expect(await sut.claim('u', 'file', 'f')).toMatchObject({ status: 200, replayable: false });
    expect(await sut.claim('u', 'empty', 'f')).toMatchObject({ status: 204, replayable: true, body: null });
  });

  it('WhenReleased_TheNextClaimRunsAndKeysArePerCaller', async () => {
    expect(await sut.claim('u', 'free', 'f')).toBe('claimed');
    await sut.release('u', 'free');
    expect(await sut.claim('u', 'free', 'g')).toBe('claimed');
    expect(await sut.claim('someone-else', 'free', 'h')).toBe('claimed');
  });

  it('WhenAKeyIsOlderThan24Hours_ItIsClaimedAfreshAndPurged', async () => {
    expect(await sut.claim('u', 'old', 'f')).toBe('claimed');
    await sut.complete('u', 'old', 201, { id: 1 });
    expect(await sut.claim('u', 'stale', 'f')).toBe('claimed');
    await db.pool.query(`update idempotency_keys set created_at = now() - interval '25 hours' where key in ('old', 'stale')`);
    expect(await sut.claim('u', 'old', 'other')).toBe('claimed');
    expect(await sut.purgeExpired()).toBe(1);
    const { rows } = await db.pool.query(`select key from idempotency_keys where key in ('old', 'stale')`);
    expect(rows).toEqual([{ key: 'old' }]);
  });
});

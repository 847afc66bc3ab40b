import type { QueryRunner } from 'typeorm';
import { PgIdempotencyStore, idempotencyKeysMigration, type SeenKey } from '@vanguard/http';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { BallotCodesNotKept1766900000143 } from '../src/infrastructure/migrations/1766900000143-ballot-codes-not-kept.migration';

// Answers kept before @AnswerShownOnce held unused ballot codes in clear for a day (ADR 0072).
describe(BallotCodesNotKept1766900000143.name, () => {
  let db: TestSchema;
  /** The migrations talk through `query` alone (scripts/migration-checksums.ts). */
  const runner = () =>
    ({ query: async (sql: string, params?: unknown[]) => void (await db.pool.query(sql, params)) }) as unknown as QueryRunner;

  beforeAll(async () => {
    db = await createTestSchema('ballot_codes_not_kept');
    const Keys = idempotencyKeysMigration(1);
    await new Keys().up(runner());
  });
  afterAll(async () => db?.drop());

  it('drops a kept answer that holds ballot codes, so its copy is not replayed, and keeps every other answer', async () => {
    const store = new PgIdempotencyStore(db.pool);
    const kept: Record<string, unknown> = {
      codes: { codes: ['762Y-YRX8-R6AM-MN6G'], issued: 9, links: ['http://127.0.0.1:3000/vote?c=762Y'] },
      pledge: { pledgeId: 'p-1', version: 3, links: ['x'] },
      empty: null,
    };
    for (const [key, body] of Object.entries(kept)) {
      expect(await store.claim('u', key, `fp-${key}`)).toBe('claimed');
      await store.complete('u', key, 201, body);
    }
    await new BallotCodesNotKept1766900000143().up(runner());
    const copies: Record<string, Pick<SeenKey, 'status' | 'replayable' | 'body'>> = {};
    for (const key of Object.keys(kept)) {
      const { status, replayable, body } = (await store.claim('u', key, `fp-${key}`)) as SeenKey;
      copies[key] = { status, replayable, body };
    }
    expect(copies).toEqual({
      codes: { status: 201, replayable: false, body: null },
      pledge: { status: 201, replayable: true, body: kept['pledge'] },
      // A handler's empty answer is kept as JSON null, and replayed.
      empty: { status: 201, replayable: true, body: null },
    });
  });
});

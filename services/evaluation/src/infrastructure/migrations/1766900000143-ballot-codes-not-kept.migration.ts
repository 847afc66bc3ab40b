import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ballot codes are shown once (ADR 0027, 0072): since `@AnswerShownOnce` the idempotency store
 * keeps no answer of `POST /mass-evaluations/:id/codes`, but answers kept before it still held
 * unused codes in clear for up to a day. They are dropped, so a copy of such a request is 409
 * NOT_REPLAYABLE as for any answer not kept. Only that answer has `codes`, `links` and `issued`.
 */
export class BallotCodesNotKept1766900000143 implements MigrationInterface {
  readonly name = 'BallotCodesNotKept1766900000143';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`update idempotency_keys set body = null where body ?& array['codes', 'links', 'issued']`);
  }

  async down(): Promise<void> {
    // The codes are gone from here by design; their hashes stay in the ballot box.
  }
}

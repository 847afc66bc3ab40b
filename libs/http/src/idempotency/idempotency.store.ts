import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a key already holds: the first request's fingerprint, and its answer once it finished. */
export interface SeenKey {
  readonly fingerprint: string;
  /**
   * Null while the first request runs (or if it died); `OUTCOME_UNKNOWN` (0) when it failed in a
   * way that may have left its effect; else the first answer's status.
   */
  readonly status: number | null;
  /** Whether `body` is the first answer's, to send again (not when it was a file or too big to keep). */
  readonly replayable: boolean;
  readonly body: unknown;
  readonly ageMs: number;
}

/** The status kept for a first request that failed in a way that may have left its effect. */
export const OUTCOME_UNKNOWN = 0;

/** Keys per caller: claimed by the first request, completed with its answer, released if it failed. */
export interface IdempotencyStore {
  /** `claimed` when this request is the key's first; otherwise what the key holds. */
  claim(principal: string, key: string, fingerprint: string): Promise<'claimed' | SeenKey>;
  complete(principal: string, key: string, status: number, body: unknown): Promise<void>;
  /** The first request ran, but its answer is not to be sent again (`OUTCOME_UNKNOWN`, a file, a body too big). */
  keepWithoutAnswer(principal: string, key: string, status: number): Promise<void>;
  /** The request was refused and changed nothing: the key is free for a retry. */
  release(principal: string, key: string): Promise<void>;
}

interface Queryable {
  query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** How long a key answers for its first request (the draft leaves it to the server; Stripe keeps 24 h). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

type KeyRow = { fingerprint: string; status: number | null; body: unknown; replayable: boolean; age_ms: number; expired: boolean };

/**
 * `idempotency_keys` in the service's schema (the pool's search_path), made by `idempotencyKeysMigration`.
 * A first request costs one statement to claim its key and one to keep its answer, each prepared
 * once per connection: the claim was three (an expired key's delete before every insert), and on
 * the money routes, where a key is required, the bench's disbursements went from 239/s to 135/s.
 */
export class PgIdempotencyStore implements IdempotencyStore {
  private claims = 0;

  constructor(private readonly db: Queryable) {}

  async claim(principal: string, key: string, fingerprint: string): Promise<'claimed' | SeenKey> {
    // Keys nobody sends again would stay for ever: every thousandth claim clears a slice of the
    // expired, beside the request rather than before it.
    if (++this.claims % 1000 === 0) void this.purgeExpired().catch(() => undefined);
    if (await this.insert(principal, key, fingerprint)) return 'claimed';
    let row = await this.held(principal, key);
    // An expired key is its owner's to use again: gone, then claimed afresh (rarely: once in 24 h at most).
    if (row?.expired) {
      await this.db.query({
        text: `delete from idempotency_keys where principal = $1 and key = $2 and created_at < now() - make_interval(hours => $3)`,
        values: [principal, key, IDEMPOTENCY_KEY_TTL_HOURS],
      });
      if (await this.insert(principal, key, fingerprint)) return 'claimed';
      row = await this.held(principal, key);
    }
    // Released between our insert and this read: the caller's retry will claim it.
    if (!row) return { fingerprint, status: null, replayable: false, body: null, ageMs: 0 };
    return { fingerprint: row.fingerprint, status: row.status, replayable: row.replayable, body: row.body, ageMs: row.age_ms };
  }

  private async insert(principal: string, key: string, fingerprint: string): Promise<boolean> {
    const claimed = await this.db.query({
      name: 'idempotency_claim',
      text: `insert into idempotency_keys (principal, key, fingerprint) values ($1, $2, $3) on conflict do nothing returning 1`,
      values: [principal, key, fingerprint],
    });
    return claimed.rows.length > 0;
  }

  private async held(principal: string, key: string): Promise<KeyRow | undefined> {
    const { rows } = await this.db.query({
      name: 'idempotency_held',
      text: `select fingerprint, status, body, body is not null as replayable, (extract(epoch from now() - created_at) * 1000)::float8 as age_ms,
                    created_at < now() - make_interval(hours => $3) as expired
               from idempotency_keys where principal = $1 and key = $2`,
      values: [principal, key, IDEMPOTENCY_KEY_TTL_HOURS],
    });
    return rows[0] as KeyRow | undefined;
  }

  /** Deletes up to `limit` expired keys; returns how many. */
  async purgeExpired(limit = 10_000): Promise<number> {
    const { rows } = await this.db.query({
      text: `delete from idempotency_keys where ctid in (
               select ctid from idempotency_keys where created_at < now() - make_interval(hours => $1) limit $2)
             returning 1`,
      values: [IDEMPOTENCY_KEY_TTL_HOURS, limit],
    });
    return rows.length;
  }

  async complete(principal: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query({
      name: 'idempotency_complete',
      text: `update idempotency_keys set status = $3, body = $4::jsonb, completed_at = now() where principal = $1 and key = $2 and status is null`,
      values: [principal, key, status, JSON.stringify(body ?? null)],
    });
  }

  async keepWithoutAnswer(principal: string, key: string, status: number): Promise<void> {
    // SQL null, not JSON null: a handler's empty answer is kept as JSON null and replayed.
    await this.db.query({
      name: 'idempotency_keep_without_answer',
      text: `update idempotency_keys set status = $3, body = null, completed_at = now() where principal = $1 and key = $2 and status is null`,
      values: [principal, key, status],
    });
  }

  async release(principal: string, key: string): Promise<void> {
    await this.db.query({
      name: 'idempotency_release',
      text: `delete from idempotency_keys where principal = $1 and key = $2 and status is null`,
      values: [principal, key],
    });
  }
}

/** The keys' table, for a service's migration list: `idempotencyKeysMigration(1765600000000)`. */
export function idempotencyKeysMigration(timestamp: number): new () => MigrationInterface {
  return class IdempotencyKeys implements MigrationInterface {
    readonly name = `IdempotencyKeys${timestamp}`;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        create table if not exists idempotency_keys (
          principal text not null,
          key text not null,
          fingerprint text not null,
          status integer,
          body jsonb,
          created_at timestamptz not null default now(),
          completed_at timestamptz,
          primary key (principal, key)
        )`);
      await q.query(`create index if not exists idempotency_keys_created_idx on idempotency_keys (created_at)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists idempotency_keys`);
    }
  };
}

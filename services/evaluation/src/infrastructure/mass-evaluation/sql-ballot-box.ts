import type { Pool, PoolClient } from 'pg';
import type { RatingTally } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import type {
  AppendInBoxTransaction,
  BallotBoxPort,
  BallotBoxWindow,
  IssueResult,
  Rating,
} from '../../application/commands/mass-evaluation/ballot-box.port';
import { PgCountyStreamsAdapter } from '../county/pg-county-streams.adapter';
import { ballotCodeHash, newBallotCode, normaliseBallotCode } from './ballot-code';

/**
 * The ballot box in the service's own schema (migration `MassEvaluationBallotBox1764730000000`),
 * beside the event store in the same database: a batch's trail line is appended on the box's
 * connection, in its transaction (ADR 0153).
 */
export class SqlBallotBox implements BallotBoxPort {
  private readonly streams: PgCountyStreamsAdapter;

  constructor(
    private readonly pool: Pool,
    private readonly key: string,
    store: PostgresEventStore,
  ) {
    // The county adapter is the store's append inside a caller's transaction, at each type's contract version.
    this.streams = new PgCountyStreamsAdapter(store);
  }

  private appendOn(client: PoolClient): AppendInBoxTransaction {
    return (streamId, events, expectedVersion, context) => this.streams.append(client, streamId, events, expectedVersion, context);
  }

  async issueCodes(
    w: BallotBoxWindow,
    count: number,
    recordTrail: (append: AppendInBoxTransaction, issued: number) => Promise<void>,
  ): Promise<IssueResult> {
    return this.inTransaction<IssueResult>(async (client) => {
      // The window's row comes from its stream; a second copy of the same facts changes nothing.
      await client.query(
        `insert into mass_evaluation_window (window_id, org_id, eligible_voters, opens_on, closes_on)
         values ($1, $2, $3, $4, $5) on conflict (window_id) do nothing`,
        [w.windowId, w.orgId, w.eligibleVoters, w.opensOn, w.closesOn],
      );
      // One statement both checks and counts, so concurrent issues never pass the voters together.
      const counted = await client.query<{ codes_issued: number }>(
        `update mass_evaluation_window set codes_issued = codes_issued + $2
          where window_id = $1 and status = 'open' and codes_issued + $2 <= eligible_voters
          returning codes_issued`,
        [w.windowId, count],
      );
      if (counted.rowCount !== 1) {
        const row = await client.query<{ status: string; left: number }>(
          `select status, eligible_voters - codes_issued as left from mass_evaluation_window where window_id = $1`,
          [w.windowId],
        );
        const refused: IssueResult =
          row.rows[0]?.status === 'open' ? { kind: 'exceeds_voters', left: row.rows[0].left } : { kind: 'closed' };
        return { keep: false, value: refused };
      }
      const issued = counted.rows[0]!.codes_issued;
      // The line before the codes: a line refused on a stream that moved costs the count's update, not the codes' keyed hashes.
      await recordTrail(this.appendOn(client), issued);
      const codes = Array.from({ length: count }, newBallotCode);
      const hashes = codes.map((c) => ballotCodeHash(this.key, w.windowId, normaliseBallotCode(c)!));
      // Stored in hash order, not issue order: a row's place says nothing about which sheet slot it was.
      await client.query(
        `insert into mass_evaluation_code (window_id, code_hash)
         select $1, h from unnest($2::bytea[]) as h order by h`,
        [w.windowId, hashes],
      );
      return { keep: true, value: { kind: 'issued', codes, issued } };
    });
  }

  async voidCodes(
    windowId: string,
    codes: readonly string[],
    recordTrail: (append: AppendInBoxTransaction, voided: { voided: number; issued: number }) => Promise<void>,
  ): Promise<{ voided: number; issued: number }> {
    const hashes = codes.map((c) => ballotCodeHash(this.key, windowId, normaliseBallotCode(c)!));
    return this.inTransaction(async (client) => {
      // Under the closers' lock: a close either destroyed these codes already or waits for the count.
      const window = await client.query<{ status: string; codes_issued: number }>(
        `select status, codes_issued from mass_evaluation_window where window_id = $1 for update`,
        [windowId],
      );
      if (window.rows[0]?.status !== 'open') return { keep: false, value: { voided: 0, issued: window.rows[0]?.codes_issued ?? 0 } };
      const gone = await client.query(`delete from mass_evaluation_code where window_id = $1 and code_hash = any($2::bytea[])`, [
        windowId,
        hashes,
      ]);
      const voided = gone.rowCount ?? 0;
      const counted = await client.query<{ codes_issued: number }>(
        `update mass_evaluation_window set codes_issued = codes_issued - $2 where window_id = $1 returning codes_issued`,
        [windowId, voided],
      );
      const result = { voided, issued: counted.rows[0]!.codes_issued };
      if (voided > 0) await recordTrail(this.appendOn(client), result);
      return { keep: true, value: result };
    });
  }

  /**
   * `work` in a transaction of its own, committed when it says `keep` and rolled back otherwise
   * or when it throws. A connection that cannot even roll back is dropped, not handed on.
   */
  private async inTransaction<T>(work: (client: PoolClient) => Promise<{ keep: boolean; value: T }>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const { keep, value } = await work(client);
      await client.query(keep ? 'commit' : 'rollback');
      return value;
    } catch (e) {
      await client.query('rollback').catch((r: Error) => (broken = r));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async cast(windowId: string, typed: string, ballot: { rating: Rating; comment: string | null }, today: string): Promise<boolean> {
    const code = normaliseBallotCode(typed);
    // A malformed code still runs the statement (with a hash no code has), so it takes as long as any refusal.
    const hash = ballotCodeHash(this.key, windowId, code ?? 'not-a-code');
    // One statement, so one transaction: the code's row goes and the ballot comes, or neither.
    // The ballot takes nothing from the code but the window id. Of fifty casts with one code the
    // row is deleted once; the others find it gone and insert nothing.
    const result = await this.pool.query(
      `with used as (
         delete from mass_evaluation_code c
          using mass_evaluation_window w
          where c.window_id = $1 and c.code_hash = $2 and w.window_id = c.window_id
            and w.status = 'open' and $5::date between w.opens_on and w.closes_on
          returning c.window_id)
       insert into mass_evaluation_ballot (window_id, rating, comment)
       select window_id, $3, $4 from used`,
      [windowId, hash, ballot.rating, ballot.comment, today],
    );
    return result.rowCount === 1;
  }

  async close(windowId: string): Promise<RatingTally> {
    const counts = await this.inTransaction(async (client) => {
      // Closers queue here; voters never lock the window row.
      await client.query(`select 1 from mass_evaluation_window where window_id = $1 for update`, [windowId]);
      await client.query(`update mass_evaluation_window set status = 'closed' where window_id = $1`, [windowId]);
      // Every unused code goes. This waits for any cast holding a code's row, so once it returns
      // every ballot that will ever be in this box is committed, and no code is left to add one.
      await client.query(`delete from mass_evaluation_code where window_id = $1`, [windowId]);
      // Rewrite the box in random order in one transaction: the rows' physical order and their
      // transaction ids no longer follow the order of voting (ADR 0027: what remains is in the dead tuples until vacuum).
      await client.query(
        `with gone as (delete from mass_evaluation_ballot where window_id = $1 returning rating, comment)
         insert into mass_evaluation_ballot (window_id, rating, comment)
         select $1, rating, comment from gone order by random()`,
        [windowId],
      );
      const { rows } = await client.query<{ rating: Rating; n: number }>(
        `select rating, count(*)::int as n from mass_evaluation_ballot where window_id = $1 group by rating`,
        [windowId],
      );
      return { keep: true, value: rows };
    });
    const of = (r: Rating) => counts.find((c) => c.rating === r)?.n ?? 0;
    return { satisfied: of('satisfied'), basicallySatisfied: of('basically_satisfied'), dissatisfied: of('dissatisfied') };
  }

  async codesIssued(windowId: string): Promise<number> {
    const r = await this.pool.query<{ codes_issued: number }>(`select codes_issued from mass_evaluation_window where window_id = $1`, [
      windowId,
    ]);
    return r.rows[0]?.codes_issued ?? 0;
  }

  async comments(windowId: string): Promise<{ rating: Rating; comment: string }[]> {
    const r = await this.pool.query<{ rating: Rating; comment: string }>(
      `select rating, comment from mass_evaluation_ballot
        where window_id = $1 and comment is not null order by comment collate "C", rating`,
      [windowId],
    );
    return r.rows;
  }
}

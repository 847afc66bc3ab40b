import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { backendPid, endBackend, failureKind, StaleTransactionError, type DeciderStreams } from '@vanguard/event-store';
import { ObjectionFilingsBusyError, type ObjectionFilingsPort } from '../../application/ports/objection-filings.port';
import type { StreamsPort } from '../../application/ports/streams.port';
import { heardPool } from '@vanguard/observability';
import { chinaDayBegan } from '@vanguard/kernel';

const NAMESPACE = 'vanguard.commendation.objection-filings';

/**
 * Filings and publications hold the programme's advisory lock shared, a decision holds it alone
 * (ADR 0113): filings never wait on each other, and wait on a decision only while it runs. The
 * lock is a transaction's, and what the run appends is appended in that transaction and commits
 * with it: a lock lost with its connection (cut, its backend ended, or its idle timeout) takes the
 * appends with it, so nothing commits unseen behind a decision that took the lock meanwhile. The
 * locks are on a pool of their own: a run also reads through the service's pool, and on one pool
 * enough runs at once would hold every connection their reads need. A wait longer than `waitMs`
 * (behind a filing stuck on a stalled database) refuses, never queues for ever.
 *
 * A filing is judged by the clock it read on arrival, so one sent before midnight that waited
 * behind a decision is not judged late. It runs only if it holds its lock within `graceMs` of
 * arriving (the connection's and the lock's waits, and the round trips between them), and a
 * decision only once the day has been going for `graceMs` when it holds its lock: by then every
 * filing sent before midnight holds its lock already, which the decision waits for, or never will.
 */
export class PgObjectionFilings implements ObjectionFilingsPort, OnModuleDestroy {
  private readonly pool: Pool;
  private readonly log = new Logger(PgObjectionFilings.name);

  private readonly graceMs: number;

  constructor(
    databaseUrl: string,
    private readonly streams: Pick<DeciderStreams, 'inTransaction'>,
    private readonly waitMs = 10_000,
    private readonly idleMs = 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.pool = heardPool('objection filings', { connectionString: databaseUrl, max: 8, connectionTimeoutMillis: waitMs, keepAlive: true });
    this.graceMs = 2 * waitMs + 5_000;
  }

  during<T>(programmeId: string, arrivedAt: Date, run: (streams: StreamsPort) => Promise<T>): Promise<T> {
    return this.holding('pg_advisory_xact_lock_shared', programmeId, (streams) => {
      if (this.now().getTime() - arrivedAt.getTime() > this.graceMs) throw new ObjectionFilingsBusyError('late-lock');
      return run(streams);
    });
  }

  alone<T>(programmeId: string, decide: (streams: StreamsPort) => Promise<T>): Promise<T> {
    return this.holding('pg_advisory_xact_lock', programmeId, (streams) => {
      const now = this.now().getTime();
      const dayAge = now - chinaDayBegan(new Date(now)).getTime();
      if (dayAge < this.graceMs) throw new ObjectionFilingsBusyError('day-turn', Math.ceil((this.graceMs - dayAge) / 1000));
      return decide(streams);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  private async holding<T>(lock: string, programmeId: string, run: (streams: StreamsPort) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((e: Error) => {
      throw /timeout exceeded when trying to connect/.test(e.message) ? new ObjectionFilingsBusyError('crowd') : e;
    });
    // A checked-out client's connection error has no other listener: unheard, it ends the process.
    const lost = (e: Error) => this.log.error(`the lock connection of programme ${programmeId} failed: ${e.message}`);
    client.on('error', lost);
    let pid: number;
    try {
      // Known before the run, to end its backend by if the COMMIT's answer is lost.
      pid = await backendPid(client);
      // Read committed, as the appends' checks of the versions they hold assume, whatever the database's default.
      await client.query('begin isolation level read committed');
      // A holder whose host vanished would keep the lock until TCP gave up on it (hours): its
      // transaction, idle while the run works elsewhere, is ended by the database after `idleMs`.
      await client.query(`select set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)`, [
        `${this.waitMs}ms`,
        `${this.idleMs}ms`,
      ]);
      await client.query(`select ${lock}(hashtext($1), hashtext($2))`, [NAMESPACE, programmeId]);
    } catch (e) {
      const broken = await end(client);
      client.removeListener('error', lost);
      client.release(broken);
      throw (e as { code?: string }).code === '55P03' ? new ObjectionFilingsBusyError('decision') : e;
    }
    let ran = false;
    let finished = false;
    let broken: Error | undefined;
    try {
      const streams = this.streams.inTransaction(client);
      // Kept past its run, the lock's streams would append in the next run's transaction on this connection.
      const open =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        (...a: A) =>
          ran ? Promise.reject(new Error(`the objection lock of programme ${programmeId} is no longer held`)) : f(...a);
      const done = await run({
        load: (id, d) => streams.load(id, d),
        append: open(streams.append.bind(streams)),
        appendAll: open(streams.appendAll.bind(streams)),
      }).catch((e: unknown) => {
        // The transaction's lock_timeout bounds the appends' stream locks too: a wait that long is load, not a fault.
        if ((e as { code?: string }).code === '55P03') throw new ObjectionFilingsBusyError('crowd');
        // Its id older than a rival append's to the same stream: only a new transaction can append (the caller's next try).
        if (e instanceof StaleTransactionError) throw new ObjectionFilingsBusyError('moving', 1);
        throw e;
      });
      ran = true;
      // Fails in a transaction an error aborted (a run that swallowed the error): its COMMIT, which
      // Postgres would answer ROLLBACK rather than with an error, is then never sent.
      const { rows } = await client.query<{ xid: string | null }>('select pg_current_xact_id_if_assigned()::text as xid');
      // The lock and the appends end together: a lock lost under the run fails this, and nothing it appended is kept.
      try {
        await client.query('commit');
      } catch (e) {
        broken = e instanceof Error ? e : new Error(String(e));
        if (!(await this.committedAfterAll(pid, rows[0]?.xid ?? null, e))) throw e;
      } finally {
        finished = true;
      }
      return done;
    } finally {
      ran = true;
      // Heard until it is back in the pool: the rollback's round trip can meet a dying connection too.
      if (!finished) broken = await end(client);
      client.removeListener('error', lost);
      client.release(broken);
    }
  }

  /**
   * Whether a transaction whose COMMIT lost its answer committed: its backend is ended and waited
   * for first, then its id's status asked. One that wrote nothing (no id) changed nothing either way.
   */
  private async committedAfterAll(pid: number, xid: string | null, failure: unknown): Promise<boolean> {
    if (failureKind(failure) !== 'unknown') return false;
    try {
      await endBackend(this.pool, pid);
      if (xid === null) return true;
      const { rows } = await this.pool.query<{ status: string | null }>('select pg_xact_status($1::xid8) as status', [xid]);
      return rows[0]?.status === 'committed';
    } catch {
      return false;
    }
  }
}

/** Rolls back; the error if that failed (the connection is then not reused). */
async function end(client: PoolClient): Promise<Error | undefined> {
  return client.query('rollback').then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}

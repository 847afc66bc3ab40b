import type { ClientBase, Pool } from 'pg';
import { appendRequest, expectedToSql } from './append-request';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventError,
  InvalidEventError,
  StaleTransactionError,
  type ExpectedVersion,
} from './errors';
import { failureKind, GroupCommitter, type AppendOutcome, type AppendRequest, type GroupCommitOptions } from './group-commit';
import { backendPid, joinTexts, lookUpBroken, postgresGroupStore } from './group-writes';
import { hasPersonal, personalSubjects, type SubjectKey } from './personal-data';
import type { PersonalKeys } from './personal-keys';
import { CONCURRENCY_SQLSTATE, STALE_TRANSACTION_SQLSTATE } from './schema';
import type { statements } from './store-statements';
import { parseStreamId } from './stream-id';
import type { AppendContext, AppendResult, Clock, IdGenerator, NewEvent } from './types';

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  readonly context: AppendContext;
  /** Append inside the caller's transaction (e.g. together with an outbox row). */
  readonly client?: ClientBase;
  /**
   * With `client`, which is in no transaction: the append is a statement of its own, so an answer
   * lost with the connection is looked up (its backend ended first) as the group committer looks
   * its own up: stored, the append succeeded; not stored, the connection's error stands.
   */
  readonly ownStatement?: boolean;
}

/**
 * The store's append path: checks the append, encrypts its personal values, builds the
 * canonical texts, and writes them through the group committer (or alone, or in the
 * caller's transaction), turning the database's refusals into the store's errors.
 */
export class Appender {
  private readonly committer: GroupCommitter | null;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly sql: ReturnType<typeof statements>,
    private readonly personalKeys: PersonalKeys | null,
    private readonly options: { readonly clock: Clock; readonly ids: IdGenerator; readonly groupCommit?: GroupCommitOptions | false },
  ) {
    this.committer =
      options.groupCommit === false ? null : new GroupCommitter(postgresGroupStore(pool, schema, sql.appendMany), options.groupCommit);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const { category } = parseStreamId(streamId);
    if (events.length === 0) throw new InvalidEventError('append: no events');
    const expected = expectedToSql(options.expectedVersion);
    const ctx = options.context;
    if (!ctx?.actor?.sub || !ctx.orgId || !ctx.correlationId) {
      throw new InvalidEventError('append: context needs actor.sub, orgId and correlationId');
    }
    // The actor is who answers for the event: it must stay readable after anyone is forgotten.
    if (hasPersonal(ctx))
      throw new InvalidEventError('append: personal() values may not be in the context (actor, orgId, ids); put them in data');
    const db = options.client ?? this.pool;
    const keys = await this.keysForPersonalData(events, db);
    const request = appendRequest({
      streamId,
      category,
      expected,
      events,
      ctx,
      recordedAt: this.options.clock.now().toISOString(),
      ids: this.options.ids,
      keys,
    });
    try {
      const outcome = options.client
        ? options.ownStatement
          ? await this.writeOwnStatement(request, options.client)
          : await this.writeOne(request, options.client)
        : this.committer
          ? await this.committer.submit(request)
          : await this.writeAlone(request);
      if ('actual' in outcome) throw new ConcurrencyError(streamId, options.expectedVersion, outcome.actual);
      const last = outcome.rows[outcome.rows.length - 1]!;
      return {
        streamId,
        nextExpectedVersion: Number(last.streamVersion),
        positions: outcome.rows.map((r) => Number(r.position)),
        transactionId: last.transactionId,
        lastHash: last.hash,
      };
    } catch (e) {
      const err = e as { code?: string; detail?: string; constraint?: string };
      if (err.code === CONCURRENCY_SQLSTATE) throw new ConcurrencyError(streamId, options.expectedVersion, Number(err.detail));
      if (err.code === STALE_TRANSACTION_SQLSTATE) throw new StaleTransactionError(err.detail ?? streamId);
      if (err.code === '23505' && err.constraint === 'events_event_id_key')
        throw new DuplicateEventError(streamId, err.detail ?? 'duplicate eventId');
      throw e;
    }
  }

  /**
   * One append in a transaction of its own: a deadlock or a stale transaction id proves
   * nothing was committed, and a new transaction can succeed.
   */
  private async writeAlone(r: AppendRequest): Promise<AppendOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOne(r, this.pool);
      } catch (e) {
        if (attempt >= 8 || failureKind(e) !== 'retry') throw e;
      }
    }
  }

  private async writeOwnStatement(r: AppendRequest, session: ClientBase): Promise<AppendOutcome> {
    const pid = await backendPid(session);
    try {
      return await this.writeOne(r, session);
    } catch (e) {
      if (failureKind(e) !== 'unknown') throw e;
      // A lookup that fails itself leaves the outcome unknown, said as such (an outage, never a 500).
      const [found] = await lookUpBroken(this.pool, this.schema, pid, [r]).catch((lookup: unknown) => {
        throw new AppendOutcomeUnknownError(r.streamId, lookup);
      });
      if (found) return found;
      throw e;
    }
  }

  /** One append in the caller's transaction (or its own): a version mismatch raises. */
  private async writeOne(r: AppendRequest, db: ClientBase | Pool): Promise<AppendOutcome> {
    const { rows } = await db.query<{ o_position: string; o_stream_version: string; o_transaction_id: string; o_hash: string }>({
      name: this.sql.append.name,
      text: this.sql.append.text,
      values: [r.streamId, r.category, r.expected, joinTexts(r.heads), joinTexts(r.tails)],
    });
    return {
      rows: rows.map((x) => ({
        position: x.o_position,
        streamVersion: x.o_stream_version,
        transactionId: x.o_transaction_id,
        hash: x.o_hash,
      })),
    };
  }

  private async keysForPersonalData(events: readonly NewEvent[], db: ClientBase | Pool): Promise<Map<string, SubjectKey> | null> {
    const subjects = new Set<string>();
    for (const e of events) {
      personalSubjects(e.data, subjects);
      personalSubjects(e.metadata, subjects);
    }
    if (subjects.size === 0) return null;
    if (!this.personalKeys) throw new InvalidEventError('append: this store withholds personal data and cannot write it');
    return this.personalKeys.forWrite(db, [...subjects]);
  }
}

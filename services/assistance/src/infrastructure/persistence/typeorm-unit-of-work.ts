import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DomainError } from '@vanguard/kernel';
import { publicContracts } from '@vanguard/contracts';
import { checkedTransaction, mayCommit, TypeOrmOutbox } from '@vanguard/messaging';
import { createHash } from 'node:crypto';
import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { CommandContext } from '../../application/ports/context.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../../application/ports/system.port';
import type { GuardedWrite, Sql, Tx, UnitOfWork } from '../../application/ports/unit-of-work.port';
import type { DomainEvent } from '../../domain/shared/domain-event';
import { assistanceEnvelope } from '../outbox/assistance-envelope';

/** Constraints whose violation is a refusal the caller can act on, not a fault: code, kind and message. */
const CONSTRAINTS: Record<string, [string, DomainError['kind'], string]> = {
  deeds_pkey: ['DEED.ALREADY_LOGGED', 'conflict', '该实事已登记 / this deed was already logged'],
  deeds_org_id_done_on_title_key: [
    'DEED.ALREADY_LOGGED',
    'conflict',
    '该村当天已登记同名实事 / this village already has this deed on that day',
  ],
  visits_pkey: ['VISIT.ALREADY_LOGGED', 'conflict', '该走访已登记 / this visit was already logged'],
  contact_cards_pkey: ['CARD.ALREADY_ISSUED', 'conflict', '该户已持此干部的联系卡 / the household already holds this cadre’s card'],
  households_org_id_label_key: [
    'HOUSEHOLD.ALREADY_REGISTERED',
    'conflict',
    '该村已有此户 / this village already has a household so labelled',
  ],
  fund_movements_reverses_id_key: ['FUNDS.ALREADY_REVERSED', 'conflict', '该笔资金已冲正 / this movement was already reversed'],
  fund_balance_never_negative: ['FUNDS.INSUFFICIENT_BALANCE', 'rule', '余额不足 / the balance would go negative'],
  project_allocations_within_budget: ['FUNDS.OVER_BUDGET', 'rule', '下达资金将超出预算 / allocations would exceed the project budget'],
};

class ConstraintRefusal extends DomainError {}

/** What a command answers for a failure: a known constraint's refusal, 503 when no connection came in time, else the error. */
function answerOf(e: unknown): unknown {
  if (e instanceof Error && e.message.includes('timeout exceeded when trying to connect'))
    return new ServiceUnavailableException({
      code: 'SERVICE.BUSY',
      message: '系统繁忙，请稍后重试 / too busy, try again',
      retryAfterSec: 1,
    });
  return refusalOf(e) ?? e;
}

/** Postgres refusals that name a known constraint become the domain's coded answers (409/422), never a 500. */
function refusalOf(e: unknown): DomainError | undefined {
  const driverError: unknown = e instanceof QueryFailedError ? (e.driverError as unknown) : e instanceof DatabaseError ? e : undefined;
  if (!driverError) return undefined;
  const constraint = (driverError as { constraint?: string }).constraint;
  const known = constraint ? CONSTRAINTS[constraint] : undefined;
  return known ? new ConstraintRefusal(...known) : undefined;
}

/**
 * The envelope's streamVersion until the outbox's statement gives it the stream's next one: the
 * contract asks only for an integer ≥ 0 there, so an envelope valid with it is valid with that.
 */
const NUMBERED_BY_THE_OUTBOX = 0;

/** Statement texts prepared per connection by `autocommit`; more run unnamed. */
const MAX_PREPARED = 32;

/**
 * One transaction per command. Events are written through @vanguard/messaging's TypeOrmOutbox,
 * which validates each against its contract, numbers it on its stream (`stream_versions`) and
 * stores the contract's parsed form in one statement, in the same transaction as the state
 * change (no dual write).
 */
@Injectable()
export class TypeOrmUnitOfWork implements UnitOfWork {
  private readonly outbox = new TypeOrmOutbox({ contracts: publicContracts, streamVersions: 'stream_versions' });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      // Checked: a statement that failed and was caught leaves the transaction aborted, and
      // Postgres answers COMMIT with ROLLBACK without raising; plain `dataSource.transaction`
      // would report the command done with nothing stored (CommitRolledBackError instead).
      return await checkedTransaction(this.dataSource, async (manager) => ({ commit: true, result: await work(this.tx(manager)) }));
    } catch (e) {
      throw answerOf(e);
    }
  }

  /**
   * A pool connection per statement, in autocommit: it commits (or fails) alone, and reads one
   * snapshot. Each statement is prepared once per connection, named by its text: the optimistic
   * money command's two statements are parsed and planned once, not at every command — that was
   * more of Postgres's CPU than executing them (measured: 1.5 → 0.8 ms of backend CPU per command).
   * The repositories' texts are fixed (values are parameters), so the names are few; past
   * `MAX_PREPARED` texts a statement runs unnamed.
   */
  readonly autocommit: Sql = {
    query: async <R>(sql: string, params?: unknown[]) => {
      try {
        const name = this.preparedName(sql);
        const { rows } = await this.pool().query<R & object>(name ? { name, text: sql, values: params } : { text: sql, values: params });
        return rows;
      } catch (e) {
        throw answerOf(e);
      }
    },
  };

  private readonly prepared = new Map<string, string>();

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private preparedName(sql: string): string | undefined {
    let name = this.prepared.get(sql);
    if (name === undefined && this.prepared.size < MAX_PREPARED) {
      name = `assistance_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.prepared.set(sql, name);
    }
    return name;
  }

  /**
   * One statement: the write's CTEs, then the outbox's numbered write of the event (the same SQL
   * `publish` runs, from @vanguard/messaging) fed by the write's gate, so the stream's counter
   * moves and the row is stored only if the write applied. Its triggers run as in a transaction
   * (the statement is its own), and the outbox's notify trigger wakes the relay when it commits.
   */
  async writeIf(write: GuardedWrite, event: DomainEvent, ctx: CommandContext): Promise<boolean> {
    const envelope = assistanceEnvelope(event, ctx, {
      eventId: this.ids.newId(),
      streamVersion: NUMBERED_BY_THE_OUTBOX,
      now: this.clock.now(),
    });
    const outbox = this.outbox.numberedCtes(envelope, { after: write.gate, firstParam: write.params.length + 1 });
    const [r] = await this.committing<{ applied: boolean }>(
      `with ${write.ctes}, ${outbox.sql} select exists (select 1 from outbox) as applied`,
      [...write.params, ...outbox.params],
      (rows) => rows[0]?.applied === true,
    );
    return r?.applied === true;
  }

  /**
   * An autocommit statement that may commit, watched from the moment it is sent (ADR 0072): a
   * connection that never came sent nothing, so a keyed money movement refused 503 for it may be
   * sent again with its key; one sent and not answered may have committed.
   */
  private async committing<R>(sql: string, params: unknown[], applied: (rows: R[]) => boolean): Promise<R[]> {
    let client: PoolClient;
    try {
      client = await this.pool().connect();
    } catch (e) {
      throw answerOf(e);
    }
    // Its own 'error' event, when it breaks mid-statement, is heard by the pool's hook (assistance.module.ts, extra.onConnect).
    let failure: Error | undefined;
    try {
      const name = this.preparedName(sql);
      const { rows } = await mayCommit(
        () => client.query<R & object>(name ? { name, text: sql, values: params } : { text: sql, values: params }),
        (answer) => applied(answer.rows),
      );
      return rows;
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
      throw answerOf(e);
    } finally {
      // As pool.query does: a connection whose statement failed is closed, not given out again.
      client.release(failure);
    }
  }

  /** A transaction someone else began (the county gate's), as the use cases' Tx: same SQL, same outbox. */
  within(manager: EntityManager): Tx {
    return this.tx(manager);
  }

  private tx(manager: EntityManager): Tx {
    return {
      query: <R>(sql: string, params?: unknown[]) => manager.query<R[]>(sql, params),
      publish: async (events: readonly DomainEvent[], ctx: CommandContext) => {
        // One after another: events of one stream take consecutive versions in their order.
        for (const event of events) {
          const envelope = assistanceEnvelope(event, ctx, {
            eventId: this.ids.newId(),
            streamVersion: NUMBERED_BY_THE_OUTBOX,
            now: this.clock.now(),
          });
          await this.outbox.add(manager, envelope);
        }
      },
    };
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { publicContracts, type AnyEventContract, type ContractData, type EventEnvelope } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import { checkedTransaction, TypeOrmOutbox } from '@vanguard/messaging';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { HONOUR_ROLL_CHANNEL_SQL, HonourRollVersion } from '../honour-roll/honour-roll-version';

/** Who acts: a token's principal, or the service itself when a consumed event proposes an exemplar. */
export interface Actor {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly orgId: string | undefined;
  readonly kind: 'user' | 'service';
}
export const SERVICE_ACTOR: Actor = { sub: 'service-publicity', roles: [], orgId: undefined, kind: 'service' };

export interface Tx {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Numbers the event on its stream and writes it to the outbox in this transaction (validated against its contract). */
  publish<C extends AnyEventContract>(
    contract: C,
    id: string,
    orgId: string,
    data: ContractData<C>,
    actor: Actor,
    causationId?: string,
  ): Promise<void>;
  /** The honour roll changed: its version (the ETag) moves in the same transaction and is notified on commit. */
  honourRollChanged(): Promise<void>;
}

/** Constraints whose violation the caller can act on: code, kind, message. */
const CONSTRAINTS: Record<string, [string, DomainError['kind'], string]> = {
  columns_org_id_name_key: ['COLUMN.NAME_TAKEN', 'conflict', '本组织已有同名专栏 / this organisation already has a column of that name'],
  article_publications_pkey: [
    'ARTICLE.ALREADY_IN_OUTLET',
    'conflict',
    '该稿件已在该媒体刊发，转载按媒体只计一次 / the article already appeared in that outlet; a reprint counts once per outlet',
  ],
};

const NEXT_VERSION = `
  insert into stream_versions (stream_id, version) values ($1, 1)
  on conflict (stream_id) do update set version = stream_versions.version + 1
  returning version`;

/** One transaction per command; events go through @vanguard/messaging's outbox in it (no dual write). */
@Injectable()
export class UnitOfWork {
  private readonly outbox = new TypeOrmOutbox({ contracts: publicContracts });
  /** Set inside a run: a run inside another is a programming error (below). */
  private readonly running = new AsyncLocalStorage<true>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly rollVersion: HonourRollVersion,
  ) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    // A run inside another holds two pooled connections: ten such requests at once each wait for
    // a second connection the others hold, and the whole service stalls until the pool's timeout.
    if (this.running.getStore()) throw new Error('a unit of work was started inside another: pass its tx on instead');
    try {
      let rolled = false;
      // Checked: a command whose statement failed and was caught would otherwise be reported done
      // while COMMIT silently rolled it back (TypeORM does not pass Postgres's answer on).
      const result = await this.running.run(true, () =>
        checkedTransaction(this.dataSource, async (manager) => ({
          commit: true,
          result: await work(this.tx(manager, () => (rolled = true))),
        })),
      );
      // This process serves the new roll at once, without waiting for its own notification. The
      // version is read back, not taken from inside the transaction, so that only a committed
      // version is ever believed.
      if (rolled) await this.advanceToCommitted();
      return result;
    } catch (e) {
      if (e instanceof Error && e.message.includes('timeout exceeded when trying to connect'))
        throw new ServiceUnavailableException({
          code: 'SERVICE.BUSY',
          message: '系统繁忙，请稍后重试 / too busy, try again',
          retryAfterSec: 1,
        });
      if (e instanceof QueryFailedError) {
        const known = CONSTRAINTS[(e.driverError as { constraint?: string }).constraint ?? ''];
        if (known) throw new DomainError(...known);
      }
      throw e;
    }
  }

  /** Takes the roll's committed version; on failure the notification or the poll brings it instead. */
  private async advanceToCommitted(): Promise<void> {
    try {
      const [row] = await this.dataSource.query<{ version: string }[]>(`select version::text from honour_roll_state where id = 1`);
      if (row) this.rollVersion.advance(row.version);
    } catch {
      // The change is committed either way: the caller must not see an error for it.
    }
  }

  /** A Tx over a transaction someone else commits (the inbox's); `rolled` hears the roll's new version. */
  tx(manager: EntityManager, rolled?: (version: string) => void): Tx {
    return {
      query: <R>(sql: string, params?: unknown[]) => manager.query<R[]>(sql, params),
      publish: async (contract, id, orgId, data, actor, causationId) => {
        const streamId = `${contract.stream}-${id}`;
        const [row] = await manager.query<{ version: number }[]>(NEXT_VERSION, [streamId]);
        const version = row!.version;
        const at = new Date().toISOString();
        const envelope: EventEnvelope = {
          eventId: randomUUID(),
          type: contract.type,
          version: contract.version,
          streamId,
          streamVersion: version,
          occurredAt: at,
          recordedAt: at,
          actor: { sub: actor.sub, roles: [...actor.roles], ...(actor.orgId ? { orgId: actor.orgId } : {}), kind: actor.kind },
          orgId,
          correlationId: causationId ?? randomUUID(),
          causationId: causationId ?? null,
          data,
        };
        await this.outbox.add(manager, envelope);
      },
      honourRollChanged: async () => {
        // NOTIFY is delivered on commit (never on rollback): every replica's cached roll moves with it.
        const [row] = await manager.query<{ version: string }[]>(
          `with moved as (update honour_roll_state set version = version + 1, changed_at = now() where id = 1 returning version)
           select version::text, pg_notify(${HONOUR_ROLL_CHANNEL_SQL}, version::text) from moved`,
        );
        rolled?.(row!.version);
      },
    };
  }
}

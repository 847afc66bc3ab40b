import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { CheckpointSigned, CheckpointWitnessed, publicContracts, type ContractEvent } from '@vanguard/contracts';
import { PgOutbox } from '@vanguard/messaging';
import { parseCheckpointBody, splitNote } from '@vanguard/transparency-log';
import type { AuditedContext } from '../infrastructure/audit-database';

/** The outbox the checkpoint events wait in until the relay has them on Kafka (ADR 0063). */
export const CHECKPOINT_OUTBOX = { schema: 'audit', table: 'vanguard_outbox' } as const;

/** A row of `audit.log_checkpoints`: everything a CheckpointSigned event is made of. */
export interface PublishedRow {
  readonly context: AuditedContext;
  /** The audited store's schema (tests audit schemas of their own). */
  readonly store: string;
  readonly size: number;
  readonly root: string;
  readonly note: string;
  readonly publishedAt: Date;
}

/**
 * A name-based UUID (RFC 9562 version 5 layout over SHA-1) of one checkpoint event: the same log,
 * size and kind always give the same id, so an event built twice — by the publishing transaction
 * and by the start-up sweep — is one event, and the outbox's unique id refuses the second.
 */
export function checkpointEventId(kind: 'signed' | 'witnessed', store: string, size: number): string {
  const h = createHash('sha1').update(`vanguard.audit.checkpoint\n${kind}\n${store}\n${size}`, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The key and stream of one log's checkpoints: its store, so a test's log never meets the platform's. */
export const checkpointStream = (store: string): string => `checkpoint-${store}`;

// The log is the platform's, not an organisation's: no subtree scopes it.
const PLATFORM = 'platform';
const AUDIT_SERVICE = { sub: 'audit', roles: [], kind: 'service' as const };

/**
 * The event of a published checkpoint, made only of the row's columns (its time included), so
 * whoever builds it and whenever gives the same bytes: a republished checkpoint is identical.
 */
export function checkpointSignedEvent(row: PublishedRow): ContractEvent<typeof CheckpointSigned> {
  const at = row.publishedAt.toISOString();
  const id = checkpointEventId('signed', row.store, row.size);
  return {
    eventId: id,
    type: CheckpointSigned.type,
    version: CheckpointSigned.version,
    streamId: checkpointStream(row.store),
    streamVersion: row.size,
    occurredAt: at,
    recordedAt: at,
    actor: AUDIT_SERVICE,
    orgId: PLATFORM,
    correlationId: id,
    causationId: null,
    data: { log: row.context, origin: originOf(row.note), treeSize: row.size, rootHash: row.root, note: row.note },
  };
}

/** The event of a checkpoint that reached its quorum of witnesses: the note with their cosignature lines. */
export function checkpointWitnessedEvent(
  row: Omit<PublishedRow, 'publishedAt'>,
  witnessed: { readonly note: string; readonly cosignedBy: readonly string[]; readonly quorum: number; readonly at: Date },
): ContractEvent<typeof CheckpointWitnessed> {
  const at = witnessed.at.toISOString();
  const id = checkpointEventId('witnessed', row.store, row.size);
  return {
    eventId: id,
    type: CheckpointWitnessed.type,
    version: CheckpointWitnessed.version,
    streamId: checkpointStream(row.store),
    streamVersion: row.size,
    occurredAt: at,
    recordedAt: at,
    actor: AUDIT_SERVICE,
    orgId: PLATFORM,
    correlationId: checkpointEventId('signed', row.store, row.size),
    causationId: checkpointEventId('signed', row.store, row.size),
    data: {
      log: row.context,
      origin: originOf(row.note),
      treeSize: row.size,
      rootHash: row.root,
      note: witnessed.note,
      cosignedBy: [...witnessed.cosignedBy],
      quorum: witnessed.quorum,
    },
  };
}

const SWEEP_PAGE = 500;

const originOf = (note: string): string => parseCheckpointBody(splitNote(note).body).origin;

/**
 * Writes checkpoint events into audit's outbox, in the caller's transaction (the outbox pattern:
 * the row and its event commit together or not at all), validated against their contracts.
 */
export class CheckpointOutbox {
  private readonly outbox = new PgOutbox({ contracts: publicContracts, ...CHECKPOINT_OUTBOX });

  add(client: PoolClient, ...events: ContractEvent<typeof CheckpointSigned | typeof CheckpointWitnessed>[]): Promise<void> {
    return this.outbox.add(client, ...events);
  }

  /**
   * Adds the event of every published checkpoint of these stores that has none: those published
   * before the outbox existed (ADR 0063: the topic carries the whole history). The events are
   * built from the rows exactly as at publication, so none differs from one published before.
   * Under a transaction-scoped lock, so two replicas starting together do not add one twice.
   * Returns how many it added.
   */
  async sweep(pool: Pool, stores: Readonly<Record<AuditedContext, string>>): Promise<number> {
    let added = 0;
    for (const [context, store] of Object.entries(stores) as [AuditedContext, string][]) {
      if (await this.allHaveEvents(pool, store)) continue;
      for (;;) {
        const n = await this.sweepPage(pool, context, store);
        added += n;
        if (n < SWEEP_PAGE) break;
      }
    }
    return added;
  }

  /**
   * Whether every published checkpoint of the store has its event: the counts agree, since each
   * event is one checkpoint's (its id is the checkpoint's). Two index counts (0.5 s at 300,000
   * checkpoints, about seven months of one a minute, on the shared development machine); the
   * anti-join below reads every event's JSON (3.4 s there), so it runs only when they differ.
   */
  private async allHaveEvents(pool: Pool, store: string): Promise<boolean> {
    const { rows } = await pool.query<{ checkpoints: string; events: string }>(
      `select (select count(*) from audit.log_checkpoints where store = $1) as checkpoints,
              (select count(*) from audit.vanguard_outbox where stream_id = $2 and event_type = $3) as events`,
      [store, checkpointStream(store), CheckpointSigned.type],
    );
    return Number(rows[0]!.events) >= Number(rows[0]!.checkpoints);
  }

  private async sweepPage(pool: Pool, context: AuditedContext, store: string): Promise<number> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['vanguard-audit-checkpoint-outbox', store]);
      const { rows } = await client.query<{ size: string; root: string; note: string; published_at: Date }>(
        `select c.size, c.root, c.note, c.published_at from audit.log_checkpoints c
          where c.store = $1
            and not exists (select 1 from audit.vanguard_outbox o
                             where o.stream_id = $2 and o.event_type = $3 and o.envelope -> 'data' ->> 'treeSize' = c.size::text)
          order by c.size limit ${SWEEP_PAGE}`,
        [store, checkpointStream(store), CheckpointSigned.type],
      );
      const events = rows.map((r) =>
        checkpointSignedEvent({ context, store, size: Number(r.size), root: r.root, note: r.note, publishedAt: r.published_at }),
      );
      if (events.length) await this.add(client, ...events);
      await client.query('commit');
      return events.length;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}

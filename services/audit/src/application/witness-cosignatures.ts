import type { Pool, PoolClient } from 'pg';
import { parseCheckpointBody, splitNote, trailOf, verifiedCosignatures, type WitnessPolicy } from '@vanguard/transparency-log';
import type { AuditedContext } from '../infrastructure/audit-database';
import { AuditRefusal } from './audit-refusal';
import type { ProofLogs } from './proof-logs';
import { latestPublishedHead } from './published-heads';
import { CheckpointOutbox, checkpointEventId, checkpointSignedEvent, checkpointWitnessedEvent } from './checkpoint-events';

export interface PublishedCheckpoint {
  readonly context: AuditedContext;
  readonly size: number;
  readonly root: string;
  /** The signed note, the log's signature only. */
  readonly note: string;
}

/** How far a cosignature's time may stray from this service's clock and the checkpoint's publication, in seconds. */
export const COSIGNATURE_CLOCK_SKEW_SECONDS = 300;

export interface WitnessedCheckpoint extends PublishedCheckpoint {
  /** The note with the quorum's cosignature lines appended (C2SP: extra signature lines). */
  readonly witnessedNote: string;
  readonly cosignedBy: readonly string[];
  readonly quorum: number;
}

/**
 * County witnesses (issue 17, ADR 0041). The service publishes checkpoints (on a schedule and on
 * demand) into `audit.log_checkpoints`; witnesses fetch the latest, check it against the last
 * one they saw with a consistency proof from this service, and hand in their cosignatures. A
 * cosignature is kept only when it verifies under a configured witness key AND covers,
 * byte for byte, a checkpoint this service published — so a checkpoint signed with the log key
 * but never published (a fork) can gather no cosignature here. A checkpoint is witnessed while
 * `policy.quorum` distinct configured witnesses' cosignatures of it verify under their keys as
 * configured now (ADR 0101): a row a witness wrote under a key it has since rotated stays, but
 * does not count.
 *
 * Each publication and each first quorum also puts an event in audit's outbox in the same
 * transaction (`audit.CheckpointSigned`, `audit.CheckpointWitnessed`, ADR 0063), which the relay
 * carries to `vanguard.audit.checkpoints.v1`: on Kafka exactly when it is in the table.
 */
export class WitnessCosignatures {
  private readonly events = new CheckpointOutbox();

  constructor(
    private readonly pool: Pool,
    private readonly logs: ProofLogs,
    readonly policy: WitnessPolicy,
    /** The audited stores' schemas: rows are kept per store, so a test's store never meets the platform's. */
    private readonly schemas: Readonly<Record<AuditedContext, string>>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Signs a checkpoint of the store as it is now and publishes it (unless that tree was already
   * published). Published checkpoints never show the auditors' trail shrinking: witnesses refuse
   * such a note as a rollback, and two audit instances could otherwise sign one after another with
   * trails read at different moments. Under a lock per store, a note whose trail is smaller than
   * the latest published one's is signed again: the trail read now holds at least what that one
   * committed to, since what it read was committed and below a horizon that only moves forward.
   */
  async publish(context: AuditedContext): Promise<PublishedCheckpoint> {
    const store = this.schemas[context];
    for (let attempt = 1; ; attempt++) {
      const cp = await this.logs.checkpoint(context);
      const root = cp.body.root.toString('base64');
      const behind = await this.transaction(async (db) => {
        await db.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['vanguard-audit-publish', store]);
        const latest = await latestPublishedHead(db, store);
        // Published by another instance since this one caught up: sign again, caught up past it.
        if (latest && latest.size > cp.body.size) return { size: cp.body.size, latestSize: latest.size };
        // A smaller or another history than the published one (a store truncated or rewritten, and the log rebuilt from it): never published.
        this.logs.checkExtends(context, latest);
        const latestTrail = latest?.trail;
        const trail = trailOf(cp.body)?.size;
        if (latestTrail !== undefined && (trail === undefined || trail < latestTrail)) return { trail, latestTrail };
        const { rows } = await db.query<{ published_at: Date }>(
          `insert into audit.log_checkpoints (store, size, root, note) values ($1, $2, $3, $4)
           on conflict (store, size) do nothing returning published_at`,
          [store, cp.body.size, root, cp.text],
        );
        // Only with the row it describes: a size already published has its event already.
        if (rows[0])
          await this.events.add(
            db,
            checkpointSignedEvent({ context, store, size: cp.body.size, root, note: cp.text, publishedAt: rows[0].published_at }),
          );
        return undefined;
      });
      if (behind) {
        if (attempt < 3) continue;
        throw new Error(
          'latestSize' in behind
            ? `the ${context} log (${behind.size}) is still behind the published one (${behind.latestSize}) after ${attempt} signatures`
            : `the ${context} log's trail (${behind.trail ?? 'none'}) is still behind the published one (${behind.latestTrail}) after ${attempt} signatures`,
        );
      }
      const published = await this.published(context, cp.body.size);
      // The primary key kept the first root at this size; another one now would be this service forking itself.
      if (published?.root !== root) throw new Error(`the ${context} log's root at size ${cp.body.size} differs from the one published`);
      return published;
    }
  }

  /** The latest published checkpoint; one is published first when there is none. */
  async latest(context: AuditedContext): Promise<PublishedCheckpoint> {
    const { rows } = await this.pool.query<Row>(
      `select size, root, note from audit.log_checkpoints where store = $1 order by size desc limit 1`,
      [this.schemas[context]],
    );
    return rows[0] ? toPublished(context, rows[0]) : this.publish(context);
  }

  /** The size of the latest published checkpoint; 0 when none was published. */
  async latestSize(context: AuditedContext): Promise<number> {
    const { rows } = await this.pool.query<{ size: string | null }>(
      `select max(size)::text as size from audit.log_checkpoints where store = $1`,
      [this.schemas[context]],
    );
    return Number(rows[0]?.size ?? 0);
  }

  /** Verifies and keeps the configured witnesses' cosignatures in `note`; 400 naming the reason otherwise. */
  async submit(
    context: AuditedContext,
    note: unknown,
  ): Promise<{ size: number; witnessed: boolean; cosignedBy: string[]; quorum: number }> {
    if (typeof note !== 'string' || note.length > 64 * 1024)
      throw AuditRefusal.invalid('checkpoint', '须为签名检查点文本 / must be a signed checkpoint note');
    let body: string;
    let size: number;
    try {
      body = splitNote(note).body;
      size = parseCheckpointBody(body).size;
    } catch (e) {
      throw AuditRefusal.invalid('checkpoint', `检查点格式不正确 / not a checkpoint note: ${(e as Error).message}`);
    }
    const published = await this.published(context, size);
    if (!published || noteBody(published.note) !== body)
      throw AuditRefusal.invalid(
        'checkpoint',
        `本服务未发布此检查点 / not a checkpoint this log published${published ? ` (at size ${size} it published root ${published.root})` : ''}`,
      );
    let cosigned: ReturnType<typeof verifiedCosignatures>;
    try {
      cosigned = verifiedCosignatures(note, this.policy.witnesses);
    } catch (e) {
      throw AuditRefusal.invalid('checkpoint', `签名部分格式不正确 / the note's signatures are malformed: ${(e as Error).message}`);
    }
    if (cosigned.length === 0)
      throw AuditRefusal.invalid('checkpoint', '没有已配置见证方的有效联署 / no valid cosignature by a configured witness');
    this.checkTimes(cosigned, published.publishedAt);
    const store = this.schemas[context];
    return this.transaction(async (db) => {
      // One submission per checkpoint at a time: two witnesses completing the quorum together
      // would each see only their own cosignature, and neither would write the witnessed event.
      await db.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['vanguard-audit-cosignatures', `${store}/${size}`]);
      for (const c of cosigned)
        await db.query(
          `insert into audit.checkpoint_cosignatures (store, size, witness, key_id, cosigned_at, line)
           values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
          [store, size, c.witness.name, c.witness.keyId.toString(16).padStart(8, '0'), c.time, c.line],
        );
      const verified = await this.verified(published, db);
      const witnessed = verified.length >= this.policy.quorum;
      if (witnessed) await this.firstQuorum(db, published, verified);
      return { size, witnessed, cosignedBy: verified.map((c) => c.witness.name), quorum: this.policy.quorum };
    });
  }

  /**
   * A cosignature says "as of this time": one dated ahead of this service's clock, or before the
   * checkpoint it covers was published, is not a witness's honest statement (a clock gone wrong,
   * or a line made to sort first), so the note is refused naming it.
   */
  private checkTimes(cosigned: readonly { witness: { name: string }; time: number }[], publishedAt: number): void {
    const now = Math.floor(this.now() / 1000);
    for (const c of cosigned) {
      if (c.time > now + COSIGNATURE_CLOCK_SKEW_SECONDS)
        throw AuditRefusal.invalid(
          'checkpoint',
          `联署时间在未来 / the cosignature of ${c.witness.name} is dated ${c.time}, more than ${COSIGNATURE_CLOCK_SKEW_SECONDS} s after this service's time ${now}`,
        );
      if (c.time < publishedAt - COSIGNATURE_CLOCK_SKEW_SECONDS)
        throw AuditRefusal.invalid(
          'checkpoint',
          `联署时间早于检查点发布 / the cosignature of ${c.witness.name} is dated ${c.time}, more than ${COSIGNATURE_CLOCK_SKEW_SECONDS} s before the checkpoint was published (${publishedAt})`,
        );
    }
  }

  /** The witnessed event, once per checkpoint: the quorum that first formed, never a later, larger one. */
  private async firstQuorum(db: PoolClient, published: PublishedCheckpoint, verified: readonly Verified[]): Promise<void> {
    const store = this.schemas[published.context];
    const id = checkpointEventId('witnessed', store, published.size);
    if ((await db.query(`select 1 from audit.vanguard_outbox where event_id = $1`, [id])).rowCount) return;
    const { rows } = await db.query<{ at: Date }>(`select now() as at`);
    await this.events.add(
      db,
      checkpointWitnessedEvent(
        { context: published.context, store, size: published.size, root: published.root, note: published.note },
        {
          note: published.note + verified.map((c) => `${c.line}\n`).join(''),
          cosignedBy: verified.map((c) => c.witness.name),
          quorum: this.policy.quorum,
          at: rows[0]!.at,
        },
      ),
    );
  }

  /** The events of checkpoints published before the outbox existed (see CheckpointOutbox.sweep). */
  sweepEvents(): Promise<number> {
    return this.events.sweep(this.pool, this.schemas);
  }

  /**
   * The largest published checkpoint whose cosignatures verify for a quorum, as one note; 404 when
   * none has. Candidates come from the rows under the configured (witness, key id) pairs, newest
   * first; each is verified before it is answered, and a larger one that falls short gives way to
   * a smaller one.
   */
  async witnessed(context: AuditedContext): Promise<WitnessedCheckpoint> {
    const names = this.policy.witnesses.map((w) => w.name);
    const keyIds = this.policy.witnesses.map((w) => w.keyId.toString(16).padStart(8, '0'));
    for (let below = Number.MAX_SAFE_INTEGER; ;) {
      const { rows } = await this.pool.query<Row>(
        `select c.size, c.root, c.note from audit.log_checkpoints c
          where c.store = $1 and c.size < $5
            and (select count(distinct s.witness) from audit.checkpoint_cosignatures s
                   join unnest($2::text[], $3::text[]) k (witness, key_id) on k.witness = s.witness and k.key_id = s.key_id
                  where s.store = c.store and s.size = c.size) >= $4
          order by c.size desc limit 20`,
        [this.schemas[context], names, keyIds, this.policy.quorum, below],
      );
      for (const row of rows) {
        const cp = toPublished(context, row);
        const verified = await this.verified(cp);
        if (verified.length >= this.policy.quorum)
          return {
            ...cp,
            witnessedNote: cp.note + verified.map((c) => `${c.line}\n`).join(''),
            cosignedBy: verified.map((c) => c.witness.name),
            quorum: this.policy.quorum,
          };
      }
      if (rows.length < 20)
        throw AuditRefusal.notFound(`a ${context} checkpoint cosigned by ${this.policy.quorum} of ${names.length} witnesses`);
      below = Number(rows[rows.length - 1]!.size);
    }
  }

  /** The checkpoint published at `size`, with when (POSIX seconds). */
  private async published(context: AuditedContext, size: number): Promise<(PublishedCheckpoint & { publishedAt: number }) | undefined> {
    const { rows } = await this.pool.query<Row & { published_at: Date }>(
      `select size, root, note, published_at from audit.log_checkpoints where store = $1 and size = $2`,
      [this.schemas[context], size],
    );
    return rows[0] ? { ...toPublished(context, rows[0]), publishedAt: Math.floor(rows[0].published_at.getTime() / 1000) } : undefined;
  }

  private async transaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('begin');
      const result = await work(db);
      await db.query('commit');
      return result;
    } catch (e) {
      await db.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      db.release();
    }
  }

  /** The configured witnesses whose stored cosignatures of `cp` verify under their keys as configured now. */
  private async verified(cp: PublishedCheckpoint, db: Pick<Pool, 'query'> = this.pool): Promise<Verified[]> {
    const { rows } = await db.query<{ line: string }>(
      `select line from audit.checkpoint_cosignatures where store = $1 and size = $2 and witness = any($3::text[]) order by witness, received_at desc`,
      [this.schemas[cp.context], cp.size, this.policy.witnesses.map((w) => w.name)],
    );
    return verifiedCosignatures(cp.note + rows.map((r) => `${r.line}\n`).join(''), this.policy.witnesses);
  }
}

type Verified = ReturnType<typeof verifiedCosignatures>[number];

const noteBody = (note: string): string => note.slice(0, note.lastIndexOf('\n\n') + 1);

interface Row {
  size: string;
  root: string;
  note: string;
}

const toPublished = (context: AuditedContext, r: Row): PublishedCheckpoint => ({
  context,
  size: Number(r.size),
  root: r.root,
  note: r.note,
});

import { Pool } from 'pg';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import { TRAIL_ORIGIN } from '../src/application/audit-trail';
import { ProofLogs } from '../src/application/proof-logs';
import { StoreLog } from '../src/application/store-log';
import { PublishedHeads, SigningRefusals } from '../src/application/published-heads';
import { WitnessCosignatures } from '../src/application/witness-cosignatures';
import { auditConfig } from '../src/audit.config';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

/**
 * After a restart the log is rebuilt from the store. If the store lost events or had one rewritten
 * in the meantime, that log does not extend the checkpoint already published (and cosigned): it
 * must not be signed or published, the reason must be logged and fail readiness. Real store, real
 * `audit.log_checkpoints`, each "restart" a fresh ProofLogs.
 */
describe(PublishedHeads.name, () => {
  let db: TestSchema;
  let reader: Pool;
  let trailPool: Pool;
  let schemas: { evaluation: string; commendation: string };
  const refusals = new SigningRefusals();

  /** The service's objects as a start makes them: an empty log, rebuilt from the store on first use. */
  const started = () => {
    const heads = new PublishedHeads(trailPool, schemas, refusals);
    const logs = new ProofLogs(reader, schemas, process.env, undefined, heads);
    return { logs, witnesses: new WitnessCosignatures(trailPool, logs, { witnesses: [], quorum: 1 }, schemas) };
  };
  const caughtUpTo = (logs: ProofLogs, size: number) =>
    waitUntil(
      `the log to hold ${size} events`,
      async () => ((await logs.size('evaluation')) === size ? true : undefined),
      PAST_THE_HORIZON,
    );
  /** As only the database owner can, with the store's triggers off. */
  const asOwner = async (sql: string, params: unknown[] = []) => {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(sql, params);
      await c.query('commit');
    } finally {
      c.release();
    }
  };
  const publishedSizes = async () =>
    (
      await trailPool.query<{ size: string }>(`select size from audit.log_checkpoints where store = $1 order by size`, [db.schema])
    ).rows.map((r) => Number(r.size));

  beforeAll(async () => {
    db = await createTestSchema('cp_heads');
    schemas = { evaluation: db.schema, commendation: db.schema };
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    const store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    for (let n = 1; n <= 3; n++)
      await store.append('pledge-heads', [{ type: 'evaluation.PledgeMade', data: { n } }], {
        expectedVersion: n === 1 ? 'no_stream' : n - 1,
        context: { actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'o', kind: 'user' }, orgId: 'o', correlationId: 'heads' },
      });
    const config = auditConfig(infraConfig(), 'test');
    reader = new Pool({ connectionString: config.readerDatabaseUrl, max: 2 });
    trailPool = new Pool({ connectionString: config.trailDatabaseUrl, max: 2 });
  });
  afterAll(async () => {
    if (db) {
      await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
      await db.pool.query(`delete from audit.vanguard_outbox where stream_id like $1`, [`%${db.schema}%`]);
    }
    await reader?.end();
    await trailPool?.end();
    await db?.drop();
  });

  it('publish_WhenTheStoreWasRewrittenBeforeARestart_RefusesToSignAndFailsReadiness_AndSignsAgainOnceItIsWhole', async () => {
    const first = started();
    await caughtUpTo(first.logs, 3);
    expect((await first.witnesses.publish('evaluation')).size).toBe(3);

    const { rows } = await db.pool.query<{ canonical: string }>(
      `select canonical from "${db.schema}".events where stream_id = 'pledge-heads' and stream_version = 2`,
    );
    await asOwner(
      `update "${db.schema}".events set canonical = replace(canonical, '"n":2', '"n":22') where stream_id = 'pledge-heads' and stream_version = 2`,
    );
    const rewritten = started();
    await caughtUpTo(rewritten.logs, 3);
    await expect(rewritten.witnesses.publish('evaluation')).rejects.toThrow(/root at the published size 3 is .*, not the published/);
    await expect(rewritten.logs.checkpoint('evaluation')).rejects.toThrow(/not signed/);
    expect(refusals.reasons.join('; ')).toMatch(/evaluation: the log's root at the published size 3/);

    await asOwner(`update "${db.schema}".events set canonical = $1 where stream_id = 'pledge-heads' and stream_version = 2`, [
      rows[0]!.canonical,
    ]);
    const restored = started();
    await caughtUpTo(restored.logs, 3);
    expect((await restored.witnesses.publish('evaluation')).size).toBe(3);
    expect(refusals.reasons).toEqual([]);
  });

  it('publish_WhenTheStoreLostEventsBeforeARestart_PublishesNothingSmallerThanThePublishedSize', async () => {
    await asOwner(`delete from "${db.schema}".events where stream_id = 'pledge-heads' and stream_version = 3`);
    const truncated = started();
    await caughtUpTo(truncated.logs, 2);
    await expect(truncated.witnesses.publish('evaluation')).rejects.toThrow(
      /holds 2 events, fewer than the 3 of the latest published checkpoint/,
    );
    await expect(truncated.logs.checkpoint('evaluation')).rejects.toThrow(/not signed/);
    expect(refusals.reasons).toEqual([expect.stringContaining('evaluation: the log rebuilt from the store holds 2 events')]);
    expect(await publishedSizes()).toEqual([3]);
  });

  it('publish_WhenTheTrailLostEntriesBeforeARestart_RefusesToSign503_AndRaisesTheAlarm', async () => {
    // A store of its own as the auditors' trail (its log is read as the service reads the trail's).
    const trailDb = await createTestSchema('cp_heads_trail');
    try {
      await migrateStore(trailDb.pool, { schema: trailDb.schema });
      const trailStore = new PostgresEventStore(trailDb.pool, { schema: trailDb.schema, groupCommit: false });
      for (let n = 1; n <= 3; n++)
        await trailStore.append(`trail-${n}`, [{ type: 'audit.TrailEntry', data: { n } }], {
          expectedVersion: 'no_stream',
          context: { actor: { sub: 'auditor', roles: ['auditor'], orgId: 'o', kind: 'user' }, orgId: 'o', correlationId: 'trail' },
        });
      const withTrail = () => {
        const heads = new PublishedHeads(trailPool, schemas, refusals);
        const trail = new StoreLog(trailDb.pool, trailDb.schema, TRAIL_ORIGIN, 'trail');
        const logs = new ProofLogs(reader, schemas, process.env, trail, heads);
        return { logs, witnesses: new WitnessCosignatures(trailPool, logs, { witnesses: [], quorum: 1 }, schemas) };
      };
      // The other tests left the store at 2 events, published at 3: put the third back first.
      await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
      const first = withTrail();
      await caughtUpTo(first.logs, 2);
      expect((await first.witnesses.publish('evaluation')).note).toMatch(/trail/);
      expect(refusals.reasons).toEqual([]);

      // The database owner deletes a trail entry; a restart rebuilds the trail's log from what is left.
      const c = await trailDb.pool.connect();
      try {
        await c.query('begin');
        await c.query('set local session_replication_role = replica');
        await c.query(`delete from "${trailDb.schema}".events where stream_id = 'trail-3'`);
        await c.query('commit');
      } finally {
        c.release();
      }
      const restarted = withTrail();
      await caughtUpTo(restarted.logs, 2);
      const refused = await restarted.witnesses.publish('evaluation').then(
        () => undefined,
        (e: { getStatus?: () => number; getResponse?: () => { code?: string } }) => [e.getStatus?.(), e.getResponse?.().code],
      );
      expect(refused).toEqual([503, 'AUDIT.LOG_NOT_SIGNED']);
      await expect(restarted.logs.checkpoint('evaluation')).rejects.toThrow(/not signed/);
      expect(refusals.reasons).toEqual([
        expect.stringContaining("evaluation: the auditors' trail rebuilt holds 2 entries, fewer than the 3"),
      ]);
    } finally {
      refusals.clear('evaluation');
      await trailDb.drop();
    }
  });
});

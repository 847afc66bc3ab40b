import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { assistanceMigrations } from '../src/infrastructure/migrations';
import { AssistanceProjectApprovedOn1766800000140 } from '../src/infrastructure/migrations/1766800000140-project-approved-on.migration';
import { PgProjectRepository } from '../src/infrastructure/persistence/pg-projects.repository';

const BEFORE = assistanceMigrations.filter((m) => m !== AssistanceProjectApprovedOn1766800000140);

/**
 * Migration 1766800000140 keeps the day a project was approved, so no money is dated before it.
 * Projects approved before it get the day from their ProjectApproved in the outbox; one still
 * `approved` without it, from its last step; the rest stay unknown. The money commands' locked read
 * (project_locked_with_balances) gives it.
 */
describe('migration 1766800000140: the day a project was approved', () => {
  let schema: TestSchema;
  const migrate = async (migrations: typeof assistanceMigrations) => {
    const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
  };

  beforeAll(async () => {
    schema = await createTestSchema('assistance_approved_on');
    await migrate(BEFORE);
  });
  afterAll(() => schema?.drop());

  async function project(status: string, lastStepOn: string): Promise<string> {
    const id = randomUUID();
    await schema.pool.query(
      `insert into projects (id, org_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
       values ($1, $2, '迁移测试', 'road_hardening', 100000, 1, $3, '2026-01-05', $4, now())`,
      [id, randomUUID(), status, lastStepOn],
    );
    return id;
  }
  async function approvedEvent(projectId: string, on: string): Promise<void> {
    const eventId = randomUUID();
    const envelope = { eventId, type: 'assistance.ProjectApproved', streamId: `project-${projectId}`, data: { projectId, on } };
    await schema.pool.query(
      `insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
       values ($1, 'assistance.ProjectApproved', 1, $2, 'vanguard.assistance.events.v1', $3)`,
      [eventId, `project-${projectId}`, JSON.stringify(envelope)],
    );
  }

  it('fills it from the outbox, from the last step of a project still approved, and leaves the rest unknown', async () => {
    const started = await project('in_progress', '2026-03-01');
    await approvedEvent(started, '2026-02-10');
    const approved = await project('approved', '2026-02-20');
    const lost = await project('completed', '2026-04-01'); // its approval is not in the outbox
    const planned = await project('planned', '2026-01-05');
    const other = await project('in_progress', '2026-03-01');
    await approvedEvent(other, '2026-02-11');

    await migrate(assistanceMigrations);

    const { rows } = await schema.pool.query<{ id: string; approved_on: string | null }>(
      `select id, approved_on::text from projects where id = any($1)`,
      [[started, approved, lost, planned, other]],
    );
    const day = new Map(rows.map((r) => [r.id, r.approved_on]));
    expect([started, approved, lost, planned, other].map((id) => day.get(id))).toEqual([
      '2026-02-10',
      '2026-02-20',
      null,
      null,
      '2026-02-11',
    ]);

    const client = await schema.pool.connect();
    try {
      const tx = {
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        publish: () => Promise.reject(new Error('none')),
      };
      await client.query('begin');
      const repo = new PgProjectRepository();
      const read = await Promise.all([started, lost].map((id) => repo.getForMoneyWithScope(tx, id, undefined)));
      expect(read.map((r) => r?.project.approvedOn)).toEqual(['2026-02-10', null]);
      await client.query('rollback');
    } finally {
      client.release();
    }
  });

  it('taken back, leaves the schema as before (the service refuses to read it), and applied again fills the days again', async () => {
    const undo = async () => {
      const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
      await ds.initialize();
      await ds.undoLastMigration({ transaction: 'each' });
      await ds.destroy();
    };
    const started = await project('in_progress', '2026-03-01');
    await approvedEvent(started, '2026-02-12');
    const lockedRead = async () =>
      (await schema.pool.query<{ r: Record<string, unknown> }>(`select project_locked_with_balances($1, null) as r`, [started])).rows[0]!.r;
    expect(await lockedRead()).toMatchObject({ approved_on: null }); // inserted after the first test applied it

    await undo();
    const { rows: columns } = await schema.pool.query(
      `select 1 from information_schema.columns where table_schema = $1 and table_name = 'projects' and column_name = 'approved_on'`,
      [schema.schema],
    );
    expect(columns).toHaveLength(0);
    const before = await lockedRead();
    expect([before['planned_on'], 'approved_on' in before]).toEqual(['2026-01-05', false]);
    const client = await schema.pool.connect();
    try {
      const tx = {
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        publish: () => Promise.reject(new Error('none')),
      };
      await expect(new PgProjectRepository().getForMoneyWithScope(tx, started, undefined)).rejects.toThrow(/1766800000140/);
    } finally {
      client.release();
    }

    await migrate(assistanceMigrations);
    expect(await lockedRead()).toMatchObject({ approved_on: '2026-02-12', planned_on: '2026-01-05' });
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { lockedWithBalances } from './1765700000012-project-locked-with-planned-on.migration';

/** 1765700000012's read, which also gives the day the project was approved. */
const lockedWithApprovedOn = lockedWithBalances(true).replace(
  `'last_step_on', p.last_step_on::text,`,
  `'last_step_on', p.last_step_on::text, 'approved_on', p.approved_on::text,`,
);

/**
 * The day a project was approved, kept: no money moves on a day before it (a probe allocated and
 * disbursed on a day between the plan and the approval). Filled for projects approved before this
 * migration from their `ProjectApproved` in the outbox, where the relay leaves published rows
 * (nothing in the service prunes them; an operator's `prune` would); one still `approved` that
 * has none there was approved on its last step's day. A project whose approval is in neither keeps
 * none, and its money is checked against the plan's day as before. Entries already dated before
 * the approval stay as they are: docs/operations.md lists them.
 */
export class AssistanceProjectApprovedOn1766800000140 implements MigrationInterface {
  readonly name = 'AssistanceProjectApprovedOn1766800000140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table projects add column if not exists approved_on date`);
    await q.query(`
      update projects p set approved_on = a.on
        from (select distinct on (stream_id) stream_id, (envelope->'data'->>'on')::date as on
                from vanguard_outbox where event_type = 'assistance.ProjectApproved'
               order by stream_id, id desc) a
       where a.stream_id = 'project-' || p.id::text and p.approved_on is null`);
    await q.query(`update projects set approved_on = last_step_on where status = 'approved' and approved_on is null`);
    if (!lockedWithApprovedOn.includes(`'approved_on'`)) throw new Error('project_locked_with_balances: the approval day was not added');
    await q.query(lockedWithApprovedOn);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(lockedWithBalances(true));
    await q.query(`alter table projects drop column if exists approved_on`);
  }
}

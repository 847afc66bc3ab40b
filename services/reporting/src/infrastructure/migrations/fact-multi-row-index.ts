import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MULTI_ROW_TYPES } from '../../domain/figures';

/** The predicate of `rpt_fact_type_day_idx`; a query must say it in these words for the planner to use the index. */
export const MULTI_ROW_PREDICATE = (alias: string) => `${alias}.event_type in (${MULTI_ROW_TYPES.map((t) => `'${t}'`).join(', ')})`;

/**
 * The few events that write several rows of one figure (a deed moved between villages) are
 * looked up by day at every figures request, to count each such event once (ADR 0093): a
 * partial index keeps that lookup to those rows, not every fact of the period.
 */
export class ReportingFactMultiRowIndex1766000000008 implements MigrationInterface {
  readonly name = 'ReportingFactMultiRowIndex1766000000008';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create index if not exists rpt_fact_type_day_idx on rpt_fact (day) include (event_id, figure, org_id) where ${MULTI_ROW_PREDICATE('rpt_fact')}`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists rpt_fact_type_day_idx`);
  }
}

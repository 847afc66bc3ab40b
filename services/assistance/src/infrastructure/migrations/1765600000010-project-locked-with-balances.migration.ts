import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A money command's project lock and balances in one round trip. The balances must be read after
 * the lock is held, in a snapshot of their own: one statement reads every table as of its start,
 * so a balance row the lock's previous holder inserted (a source's first allocation) would be
 * missing and its upsert would overwrite that allocation. A volatile PL/pgSQL function takes a
 * fresh snapshot for each of its statements, so the second one sees what the previous holder
 * committed — as the separate query did, one round trip fewer (the disbursement bench's path).
 * Tables are named without a schema: the caller's search path (the service's schema) finds them.
 */
export class AssistanceProjectLockedWithBalances1765600000010 implements MigrationInterface {
  readonly name = 'AssistanceProjectLockedWithBalances1765600000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function project_locked_with_balances(p_id uuid, p_scope uuid) returns jsonb
      language plpgsql volatile as $$
      declare
        found jsonb;
      begin
        select jsonb_build_object(
                 'id', p.id, 'org_id', p.org_id, 'pairing_id', p.pairing_id, 'name', p.name, 'category', p.category,
                 'budget_fen', p.budget_fen::text, 'beneficiary_households', p.beneficiary_households, 'status', p.status,
                 'last_step_on', p.last_step_on::text,
                 'orgs', (select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name, 'level', o.level, 'sector', o.sector,
                                                                       'status', o.status, 'path', o.path)), '[]')
                            from roster_organizations o where p_scope is not null and o.id in (p.org_id, p_scope)))
          into found
          from projects p where p.id = p_id for update of p;
        if found is null then
          return null;
        end if;
        return found || jsonb_build_object('balances',
          (select coalesce(jsonb_agg(jsonb_build_object('source', b.source, 'allocated_fen', b.allocated_fen::text,
                                                        'disbursed_fen', b.disbursed_fen::text) order by b.source), '[]')
             from fund_balances b where b.project_id = p_id));
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function project_locked_with_balances(uuid, uuid)`);
  }
}

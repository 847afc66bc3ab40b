import type { MigrationInterface, QueryRunner } from 'typeorm';

export const lockedWithBalances = (plannedOn: boolean) => `
  create or replace function project_locked_with_balances(p_id uuid, p_scope uuid) returns jsonb
  language plpgsql volatile as $$
  declare
    found jsonb;
  begin
    select jsonb_build_object(
             'id', p.id, 'org_id', p.org_id, 'pairing_id', p.pairing_id, 'name', p.name, 'category', p.category,
             'budget_fen', p.budget_fen::text, 'beneficiary_households', p.beneficiary_households, 'status', p.status,
             ${plannedOn ? `'planned_on', p.planned_on::text,` : ''}
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
  end $$`;

/**
 * The money commands' project read (migration 1765600000010) also gives the day the project was
 * planned: no allocation or disbursement is dated before it (the ledger's rules).
 */
export class AssistanceProjectLockedWithPlannedOn1765700000012 implements MigrationInterface {
  readonly name = 'AssistanceProjectLockedWithPlannedOn1765700000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(lockedWithBalances(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(lockedWithBalances(false));
  }
}

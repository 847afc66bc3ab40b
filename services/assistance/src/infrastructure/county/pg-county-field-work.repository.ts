import { Injectable } from '@nestjs/common';
import type { CadreRole, ProjectCategory } from '@vanguard/contracts';
import { countyMemberIds, type CountyMemberIds } from '@vanguard/county-inbound';
import type { CountyDeedOrigin, CountyFieldWorkRepository } from '../../application/county/county-field-work.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { Cadre, Deed, RecordedDeed } from '../../domain/field-work/field-work';

type CadreRow = {
  id: string;
  member_id: string;
  org_id: string;
  role: CadreRole;
  sending_unit_name: string;
  starts_on: string;
  ends_on: string;
};

type DeedRow = {
  county_client_id: string | null;
  org_id: string;
  category: ProjectCategory;
  title: string;
  done_on: string;
  amount_fen: string | null;
  households_helped: number;
};

@Injectable()
export class PgCountyFieldWorkRepository implements CountyFieldWorkRepository {
  memberIds(tx: Tx, countyClientId: string, ids: readonly string[]): Promise<CountyMemberIds> {
    return countyMemberIds(tx, countyClientId, ids);
  }

  async deedOrigin(tx: Tx, deedId: string): Promise<{ countyClientId: string | null; deed: RecordedDeed } | null> {
    const [r] = await tx.query<DeedRow>(
      `select county_client_id, org_id, category, title, done_on::text, amount_fen::text, households_helped
         from deeds where id = $1 for update`,
      [deedId],
    );
    return r
      ? {
          countyClientId: r.county_client_id,
          deed: {
            orgId: r.org_id,
            category: r.category,
            title: r.title,
            doneOn: r.done_on,
            amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
            householdsHelped: r.households_helped,
          },
        }
      : null;
  }

  async deedTitleTaken(tx: Tx, orgId: string, doneOn: string, title: string, exceptDeedId: string): Promise<boolean> {
    const rows = await tx.query(`select 1 from deeds where org_id = $1 and done_on = $2 and title = $3 and id <> $4`, [
      orgId,
      doneOn,
      title,
      exceptDeedId,
    ]);
    return rows.length > 0;
  }

  async saveCountyDeed(tx: Tx, d: Deed, orgId: string, o: CountyDeedOrigin, at: Date): Promise<void> {
    await tx.query(
      `insert into deeds (id, org_id, pairing_id, cadre_id, category, title, done_on, amount_fen, households_helped, recorded_at,
                          county_client_id, helper_unit_name, helper_org_id, description)
       values ($1, $2, null, null, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (id) do update set org_id = excluded.org_id, category = excluded.category, title = excluded.title,
         done_on = excluded.done_on, amount_fen = excluded.amount_fen, recorded_at = excluded.recorded_at,
         helper_unit_name = excluded.helper_unit_name, helper_org_id = excluded.helper_org_id, description = excluded.description
       where deeds.county_client_id = excluded.county_client_id`,
      [
        d.id,
        orgId,
        d.category,
        d.title,
        d.doneOn,
        d.amountFen,
        d.householdsHelped,
        at,
        o.countyClientId,
        o.helperUnitName,
        o.helperOrgId,
        o.description,
      ],
    );
  }

  async cadreOfMember(tx: Tx, memberId: string, orgId: string, on: string): Promise<Cadre | null> {
    const [r] = await tx.query<CadreRow>(
      `select id, member_id, org_id, role, sending_unit_name, starts_on::text, ends_on::text from cadres
        where member_id = $1 and org_id = $2
        order by ($3::date between starts_on and ends_on) desc, starts_on desc limit 1`,
      [memberId, orgId, on],
    );
    return r
      ? {
          id: r.id,
          memberId: r.member_id,
          orgId: r.org_id,
          role: r.role,
          sendingUnitName: r.sending_unit_name,
          from: r.starts_on,
          to: r.ends_on,
        }
      : null;
  }

  async householdsByRef(tx: Tx, orgId: string, refs: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const rows = await tx.query<{ id: string; label: string }>(
      `select id, label from households where org_id = $1 and label = any($2::text[])`,
      [orgId, refs],
    );
    return new Map(rows.map((r) => [r.label, r.id]));
  }

  async visitLogged(tx: Tx, visitId: string): Promise<boolean> {
    return (await tx.query(`select 1 from visits where id = $1`, [visitId])).length > 0;
  }
}

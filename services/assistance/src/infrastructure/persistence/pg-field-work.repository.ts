import { Injectable } from '@nestjs/common';
import type { CadreRole } from '@vanguard/contracts';
import type { FieldWorkRepository, Household } from '../../application/ports/repositories.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { Cadre, Deed } from '../../domain/field-work/field-work';

@Injectable()
export class PgFieldWorkRepository implements FieldWorkRepository {
  async insertCadre(tx: Tx, c: Cadre, at: Date): Promise<void> {
    await tx.query(
      `insert into cadres (id, member_id, org_id, role, sending_unit_name, starts_on, ends_on, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [c.id, c.memberId, c.orgId, c.role, c.sendingUnitName, c.from, c.to, at],
    );
  }

  async overlappingDispatches(tx: Tx, memberId: string, orgId: string, from: string, to: string): Promise<string[]> {
    await tx.query(`select pg_advisory_xact_lock(hashtext('assistance-dispatch'), hashtext($1))`, [`${memberId}/${orgId}`]);
    const rows = await tx.query<{ id: string }>(
      `select id from cadres where member_id = $1 and org_id = $2 and starts_on <= $4 and ends_on >= $3 order by starts_on, id`,
      [memberId, orgId, from, to],
    );
    return rows.map((r) => r.id);
  }

  async cadre(tx: Tx, id: string): Promise<Cadre | null> {
    const [r] = await tx.query<{
      id: string;
      member_id: string;
      org_id: string;
      role: CadreRole;
      sending_unit_name: string;
      starts_on: string;
      ends_on: string;
    }>(`select id, member_id, org_id, role, sending_unit_name, starts_on::text, ends_on::text from cadres where id = $1`, [id]);
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

  async insertHousehold(tx: Tx, h: Household, at: Date): Promise<void> {
    await tx.query(`insert into households (id, org_id, label, head_name, recorded_at) values ($1, $2, $3, $4, $5)`, [
      h.id,
      h.orgId,
      h.label,
      h.headName,
      at,
    ]);
  }

  async household(tx: Tx, id: string): Promise<Household | null> {
    const [r] = await tx.query<{ id: string; org_id: string; label: string; head_name: string }>(
      `select id, org_id, label, head_name from households where id = $1`,
      [id],
    );
    return r ? { id: r.id, orgId: r.org_id, label: r.label, headName: r.head_name } : null;
  }

  async insertCard(tx: Tx, cadreId: string, householdId: string, issuedOn: string): Promise<void> {
    await tx.query(`insert into contact_cards (cadre_id, household_id, issued_on) values ($1, $2, $3)`, [cadreId, householdId, issuedOn]);
  }

  async cardHolders(tx: Tx, cadreId: string, householdIds: readonly string[]): Promise<Set<string>> {
    const rows = await tx.query<{ household_id: string }>(
      `select household_id from contact_cards where cadre_id = $1 and household_id = any($2::uuid[])`,
      [cadreId, householdIds],
    );
    return new Set(rows.map((r) => r.household_id));
  }

  async insertDiaryEntry(tx: Tx, e: { id: string; cadreId: string; writtenOn: string; text: string }, at: Date): Promise<void> {
    await tx.query(`insert into diary_entries (id, cadre_id, written_on, text, recorded_at) values ($1, $2, $3, $4, $5)`, [
      e.id,
      e.cadreId,
      e.writtenOn,
      e.text,
      at,
    ]);
  }

  async insertVisit(
    tx: Tx,
    v: { id: string; cadreId: string; orgId: string; visitedOn: string; summary: string; householdIds: readonly string[] },
    at: Date,
  ): Promise<void> {
    await tx.query(`insert into visits (id, cadre_id, org_id, visited_on, summary, recorded_at) values ($1, $2, $3, $4, $5, $6)`, [
      v.id,
      v.cadreId,
      v.orgId,
      v.visitedOn,
      v.summary,
      at,
    ]);
    await tx.query(`insert into visit_households (visit_id, household_id, visited_on) select $1, h, $3 from unnest($2::uuid[]) as h`, [
      v.id,
      v.householdIds,
      v.visitedOn,
    ]);
  }

  async insertDeed(tx: Tx, d: Deed, orgId: string, at: Date): Promise<void> {
    await tx.query(
      `insert into deeds (id, org_id, pairing_id, cadre_id, category, title, done_on, amount_fen, households_helped, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [d.id, orgId, d.pairingId, d.cadreId, d.category, d.title, d.doneOn, d.amountFen, d.householdsHelped, at],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { Actor } from '../../application/ports/context.port';
import type { PairingRepository } from '../../application/ports/repositories.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { FiveFixedPoints, Pairing } from '../../domain/pairing/pairing';

interface PairingRow {
  id: string;
  org_id: string;
  helper_unit_name: string;
  helper_org_id: string | null;
  starts_on: string;
  ends_on: string;
  goals: string[];
  lagging: boolean;
  village_plan: string | null;
  five_fixed_points: FiveFixedPoints | null;
}

export const PAIRING_COLUMNS = `id, org_id, helper_unit_name, helper_org_id, starts_on::text, ends_on::text, goals, lagging, village_plan, five_fixed_points`;

export function pairingOf(r: PairingRow): Pairing {
  return {
    id: r.id,
    orgId: r.org_id,
    helperUnitName: r.helper_unit_name,
    ...(r.helper_org_id ? { helperOrgId: r.helper_org_id } : {}),
    from: r.starts_on,
    to: r.ends_on,
    goals: r.goals,
    lagging: r.lagging,
    ...(r.village_plan ? { villagePlan: r.village_plan } : {}),
    ...(r.five_fixed_points ? { fiveFixedPoints: r.five_fixed_points } : {}),
  };
}

@Injectable()
export class PgPairingRepository implements PairingRepository {
  async insert(tx: Tx, p: Pairing, by: Actor, at: Date): Promise<void> {
    await tx.query(
      `insert into pairings (id, org_id, helper_unit_name, helper_org_id, starts_on, ends_on, goals, lagging, village_plan,
         five_fixed_points, recorded_at, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        p.id,
        p.orgId,
        p.helperUnitName,
        p.helperOrgId ?? null,
        p.from,
        p.to,
        JSON.stringify(p.goals),
        p.lagging,
        p.villagePlan ?? null,
        p.fiveFixedPoints ? JSON.stringify(p.fiveFixedPoints) : null,
        at,
        by.sub,
      ],
    );
  }

  async get(tx: Tx, id: string): Promise<Pairing | null> {
    const [row] = await tx.query<PairingRow>(`select ${PAIRING_COLUMNS} from pairings where id = $1`, [id]);
    return row ? pairingOf(row) : null;
  }
}

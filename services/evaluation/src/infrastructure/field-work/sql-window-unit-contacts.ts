import type { Pool } from 'pg';
import type { WindowUnitContactsPort } from '../../application/ports/window-unit-contacts.port';

export class SqlWindowUnitContacts implements WindowUnitContactsPort {
  constructor(private readonly pool: Pool) {}

  async save(orgId: string, servicePhone: string, version: number): Promise<void> {
    // Only a later publication's phone replaces one: two that both succeeded may arrive in either order.
    await this.pool.query(
      `insert into window_unit_contact (org_id, service_phone, version, updated_at) values ($1, $2, $3, now())
       on conflict (org_id) do update set service_phone = excluded.service_phone, version = excluded.version, updated_at = excluded.updated_at
       where window_unit_contact.version < excluded.version`,
      [orgId, servicePhone, version],
    );
  }

  async phoneOf(orgId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ service_phone: string }>(`select service_phone from window_unit_contact where org_id = $1`, [
      orgId,
    ]);
    return rows[0]?.service_phone ?? null;
  }
}

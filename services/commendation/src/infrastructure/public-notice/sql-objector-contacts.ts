import type { Pool } from 'pg';
import type { ObjectorContactsPort } from '../../application/commands/objections/objector-contacts.port';

export class SqlObjectorContacts implements ObjectorContactsPort {
  constructor(private readonly pool: Pool) {}

  async keep(objectionId: string, name: string | null, contact: string | null, at: Date): Promise<void> {
    await this.pool.query(
      `insert into objector_contact (objection_id, name, contact, filed_at) values ($1, $2, $3, $4) on conflict do nothing`,
      [objectionId, name, contact, at],
    );
  }

  async read(objectionId: string): Promise<{ name: string | null; contact: string | null } | null> {
    const { rows } = await this.pool.query<{ name: string | null; contact: string | null }>(
      `select name, contact from objector_contact where objection_id = $1`,
      [objectionId],
    );
    return rows[0] ?? null;
  }

  async erase(objectionId: string): Promise<void> {
    await this.pool.query(`delete from objector_contact where objection_id = $1`, [objectionId]);
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { RosterExports } from '../../application/ports/roster.port';
import { MEMBER_COLUMNS, ORGANIZATION_COLUMNS, type RosterFormat, type RosterKind } from '../../application/roster/roster-format';
import { PersonalData } from '../../domain/member/personal-data.value-object';
import { csvLine } from './csv';

const MEMBERS_SQL = `select o.code as org_code, m.name, m.status, to_char(m.joined_on, 'YYYY-MM-DD') as joined_on,
    array_to_string(m.roles, ';') as roles, array_to_string(m.posts, ';') as posts, m.id_number_enc, m.phone_enc
  from members m join organizations o on o.id = m.org_id
  where o.path like (select path from organizations where id = $1) || '%' and m.membership = 'active'
  order by o.code, m.id`;
const ORGANIZATIONS_SQL = `select o.code, o.name, o.level, o.kind, o.sector, p.code as parent_code, to_char(o.established_on, 'YYYY-MM-DD') as established_on, o.temporary
  from organizations o left join organizations p on p.id = o.parent_id
  where o.path like (select path from organizations where id = $1) || '%' and o.status = 'active'
  order by o.code`;

/** Streams a subtree's roster from a server-side cursor straight into the response: constant memory at any size. */
@Injectable()
export class PgRosterExports implements RosterExports {
  constructor(
    private readonly ds: DataSource,
    @Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher,
  ) {}

  async write({
    kind,
    format,
    rootId,
    personal,
    out,
  }: {
    kind: RosterKind;
    format: RosterFormat;
    rootId: string;
    personal: boolean;
    out: Writable;
  }): Promise<void> {
    const pool = (this.ds.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    try {
      const columns = kind === 'members' ? MEMBER_COLUMNS : ORGANIZATION_COLUMNS;
      const rows = client.query(new QueryStream(kind === 'members' ? MEMBERS_SQL : ORGANIZATIONS_SQL, [rootId], { batchSize: 2_000 }));
      const toValues = (r: Record<string, unknown>): string[] => {
        if (kind === 'organizations')
          return columns.map((c) => (c === 'temporary' ? (r[c] ? 'true' : 'false') : ((r[c] as string | null | undefined) ?? '')));
        const clear = PersonalData.of(
          r['id_number_enc'] ? this.cipher.decrypt(r['id_number_enc'] as string) : null,
          r['phone_enc'] ? this.cipher.decrypt(r['phone_enc'] as string) : null,
        );
        const idNumber = personal ? clear.idNumber : clear.maskedIdNumber();
        const phone = personal ? clear.phone : clear.maskedPhone();
        return (
          [r['org_code'], r['name'], r['status'], r['joined_on'], r['roles'], r['posts'], idNumber, phone] as (string | null | undefined)[]
        ).map((v) => v ?? '');
      };
      if (format === 'csv') {
        out.write('\ufeff' + csvLine(columns));
        for await (const r of rows) {
          if (!out.write(csvLine(toValues(r as Record<string, unknown>)))) await once(out, 'drain');
        }
        out.end();
      } else {
        const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
        const sheet = book.addWorksheet(kind);
        sheet.addRow([...columns]).commit();
        for await (const r of rows) sheet.addRow(toValues(r as Record<string, unknown>)).commit();
        sheet.commit();
        await book.commit();
      }
    } finally {
      client.release();
    }
  }
}

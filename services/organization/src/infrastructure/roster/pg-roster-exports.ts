import { PassThrough } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { RosterExports } from '../../application/ports/roster.port';
import {
  MEMBER_COLUMNS,
  ORGANIZATION_COLUMNS,
  exportHeaderOf,
  type RosterFormat,
  type RosterKind,
} from '../../application/roster/roster-format';
import { PersonalData } from '../../domain/member/personal-data.value-object';
import { csvLine, neutraliseFormula } from '@vanguard/spreadsheet';

const MEMBERS_SQL = `select o.code as org_code, m.name, m.status, to_char(m.joined_on, 'YYYY-MM-DD') as joined_on,
    array_to_string(m.roles, ';') as roles, array_to_string(m.posts, ';') as posts, m.id_number_enc, m.phone_enc
  from members m join organizations o on o.id = m.org_id
  where o.path like (select path from organizations where id = $1) || '%' and m.membership = 'active'
  order by o.code, m.id`;
const ORGANIZATIONS_SQL = `select o.code, o.name, o.level, o.kind, o.sector, p.code as parent_code, to_char(o.established_on, 'YYYY-MM-DD') as established_on, o.temporary
  from organizations o left join organizations p on p.id = o.parent_id
  where o.path like (select path from organizations where id = $1) || '%' and o.status = 'active'
  order by o.code`;

/**
 * A subtree's roster as chunks, read from a server-side cursor: constant memory at any size,
 * and only as fast as the consumer pulls. Whoever stops pulling early (a client gone, a
 * stall, a shutdown) ends the generator: the cursor is closed and its connection dropped
 * from the pool rather than returned mid-query.
 */
@Injectable()
export class PgRosterExports implements RosterExports {
  constructor(
    private readonly ds: DataSource,
    @Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher,
  ) {}

  async *chunks({
    kind,
    format,
    rootId,
    personal,
  }: {
    kind: RosterKind;
    format: RosterFormat;
    rootId: string;
    personal: boolean;
  }): AsyncGenerator<string | Buffer> {
    const pool = (this.ds.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let completed = false;
    const rows = client.query(new QueryStream(kind === 'members' ? MEMBERS_SQL : ORGANIZATIONS_SQL, [rootId], { batchSize: 2_000 }));
    try {
      const columns = kind === 'members' ? MEMBER_COLUMNS : ORGANIZATION_COLUMNS;
      const toValues = (r: Record<string, unknown>): string[] => {
        if (kind === 'organizations')
          return columns.map((c) => (c === 'temporary' ? (r[c] ? 'true' : 'false') : ((r[c] as string | null | undefined) ?? '')));
        const clear = PersonalData.restore(
          r['id_number_enc'] ? this.cipher.decrypt(r['id_number_enc'] as string) : null,
          r['phone_enc'] ? this.cipher.decrypt(r['phone_enc'] as string) : null,
        );
        const idNumber = personal ? clear.idNumber : clear.maskedIdNumber();
        const phone = personal ? clear.phone : clear.maskedPhone();
        return (
          [r['org_code'], r['name'], r['status'], r['joined_on'], r['roles'], r['posts'], idNumber, phone] as (string | null | undefined)[]
        ).map((v) => v ?? '');
      };
      const cipher = this.cipher;
      // Each row's keys are checked before it is decrypted: a rotation met mid-export reads the keys again instead of failing.
      const records = (async function* () {
        for await (const r of rows as AsyncIterable<Record<string, unknown>>) {
          if (kind === 'members') await cipher.ensureKeys([r['id_number_enc'] as string | null, r['phone_enc'] as string | null]);
          yield r;
        }
      })();
      if (format === 'csv') {
        let text = '\ufeff' + csvLine(exportHeaderOf(kind));
        for await (const r of records) {
          text += csvLine(toValues(r));
          if (text.length >= CHUNK_CHARS) {
            yield text;
            text = '';
          }
        }
        yield text;
      } else {
        yield* xlsxChunks(kind, records, toValues);
      }
      completed = true;
    } finally {
      if (!completed) rows.destroy();
      client.release(completed ? undefined : new Error('export cut short'));
    }
  }
}

const CHUNK_CHARS = 64 * 1024;

/** ExcelJS writes into a stream; rows go in only as fast as its zipped output is taken out. */
async function* xlsxChunks(
  kind: RosterKind,
  records: AsyncIterable<Record<string, unknown>>,
  toValues: (r: Record<string, unknown>) => string[],
): AsyncGenerator<Buffer> {
  const zip = new PassThrough();
  try {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: zip, useSharedStrings: false, useStyles: false });
    const sheet = book.addWorksheet(kind);
    sheet.addRow(exportHeaderOf(kind)).commit();
    for await (const r of records) {
      sheet.addRow(toValues(r).map(neutraliseFormula)).commit();
      for (let c = zip.read() as Buffer | null; c !== null; c = zip.read() as Buffer | null) yield c;
    }
    sheet.commit();
    const committed = book.commit().then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error('the workbook writer failed')),
    );
    for await (const c of zip) yield c as Buffer;
    const failed = await committed;
    if (failed) throw failed;
  } finally {
    zip.destroy();
  }
}

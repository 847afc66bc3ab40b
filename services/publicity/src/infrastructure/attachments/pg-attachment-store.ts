import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttachmentOwner, AttachmentStore, ListedAttachment, StoredAttachment } from '../../application/attachment-store.port';
import type { Tx } from '../persistence/unit-of-work';

const COLUMNS = `id, owner_kind as "ownerKind", owner_id as "ownerId", content_type as "contentType", size, sha256`;

/** Attachments as bytea beside the rows they belong to: one backup, one transaction, one permission model (ADR 0037). */
@Injectable()
export class PgAttachmentStore implements AttachmentStore {
  constructor(private readonly dataSource: DataSource) {}

  async sameBytes(tx: Tx, owner: AttachmentOwner, sha256: string): Promise<StoredAttachment | undefined> {
    // Not a unique index: rows stored before may repeat, and articles may link to each of them.
    const [had] = await tx.query<StoredAttachment>(
      `select ${COLUMNS} from attachments where owner_kind = $1 and owner_id = $2 and sha256 = $3 order by uploaded_at, id limit 1`,
      [owner.kind, owner.id, sha256],
    );
    return had;
  }

  async listOf(tx: Tx, owner: AttachmentOwner): Promise<ListedAttachment[]> {
    // No limit: the cap keeps an owner at 20 since ADR 0124, and one filled before it must show all
    // it holds, or what lies past a limit could never be found to be removed. The bytes stay unread.
    return tx.query<ListedAttachment>(
      `select id, content_type as "contentType", size, sha256,
              to_char(uploaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "uploadedAt"
         from attachments where owner_kind = $1 and owner_id = $2 order by uploaded_at, id`,
      [owner.kind, owner.id],
    );
  }

  async countOf(tx: Tx, owner: AttachmentOwner): Promise<number> {
    const [row] = await tx.query<{ n: number }>(`select count(*)::int as n from attachments where owner_kind = $1 and owner_id = $2`, [
      owner.kind,
      owner.id,
    ]);
    return row?.n ?? 0;
  }

  async add(tx: Tx, a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<void> {
    await tx.query(
      `insert into attachments (id, owner_kind, owner_id, content_type, size, sha256, bytes, uploaded_by, uploaded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
      [a.id, a.ownerKind, a.ownerId, a.contentType, a.size, a.sha256, bytes, uploadedBy],
    );
  }

  async remove(tx: Tx, owner: AttachmentOwner, id: string, removedBy: string): Promise<boolean> {
    // One statement: the row goes and its record is written, or neither. A select over both, as
    // TypeORM answers a bare DELETE with [rows, rowCount], not its rows.
    const gone = await tx.query(
      `with gone as (
         delete from attachments where id = $1 and owner_kind = $2 and owner_id = $3
         returning id, owner_kind, owner_id, content_type, size, sha256, uploaded_by, uploaded_at),
       recorded as (
         insert into attachment_removals
           (attachment_id, owner_kind, owner_id, content_type, size, sha256, uploaded_by, uploaded_at, removed_by, removed_at)
         select id, owner_kind, owner_id, content_type, size, sha256, uploaded_by, uploaded_at, $4, now() from gone
         returning attachment_id)
       select attachment_id from recorded`,
      [id, owner.kind, owner.id, removedBy],
    );
    return gone.length > 0;
  }

  async get(id: string): Promise<(StoredAttachment & { bytes: Buffer }) | undefined> {
    const [row] = await this.dataSource.query<(StoredAttachment & { bytes: Buffer })[]>(
      `select ${COLUMNS}, bytes from attachments where id = $1`,
      [id],
    );
    return row;
  }
}

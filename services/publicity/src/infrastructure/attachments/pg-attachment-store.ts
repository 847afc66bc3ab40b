import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttachmentStore, StoredAttachment } from '../../application/attachment-store.port';

/** Attachments as bytea beside the rows they belong to: one backup, one transaction, one permission model (ADR 0037). */
@Injectable()
export class PgAttachmentStore implements AttachmentStore {
  constructor(private readonly dataSource: DataSource) {}

  async put(a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<StoredAttachment> {
    // One upload of given bytes to an owner at a time (a lock, not a unique index: rows stored
    // before may repeat, and articles may link to each of them).
    return this.dataSource.transaction(async (m) => {
      await m.query(`select pg_advisory_xact_lock(hashtext('publicity-attachment'), hashtext($1))`, [
        `${a.ownerKind}/${a.ownerId}/${a.sha256}`,
      ]);
      const [had] = await m.query<StoredAttachment[]>(
        `select id, owner_kind as "ownerKind", owner_id as "ownerId", content_type as "contentType", size, sha256
           from attachments where owner_kind = $1 and owner_id = $2 and sha256 = $3 order by uploaded_at, id limit 1`,
        [a.ownerKind, a.ownerId, a.sha256],
      );
      if (had) return had;
      await m.query(
        `insert into attachments (id, owner_kind, owner_id, content_type, size, sha256, bytes, uploaded_by, uploaded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [a.id, a.ownerKind, a.ownerId, a.contentType, a.size, a.sha256, bytes, uploadedBy],
      );
      return a;
    });
  }

  async get(id: string): Promise<(StoredAttachment & { bytes: Buffer }) | undefined> {
    const [row] = await this.dataSource.query<(StoredAttachment & { bytes: Buffer })[]>(
      `select id, owner_kind as "ownerKind", owner_id as "ownerId", content_type as "contentType", size, sha256, bytes
         from attachments where id = $1`,
      [id],
    );
    return row;
  }
}

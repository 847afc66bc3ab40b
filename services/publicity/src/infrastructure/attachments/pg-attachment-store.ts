import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttachmentStore, StoredAttachment } from '../../application/attachment-store.port';

/** Attachments as bytea beside the rows they belong to: one backup, one transaction, one permission model (ADR 0037). */
@Injectable()
export class PgAttachmentStore implements AttachmentStore {
  constructor(private readonly dataSource: DataSource) {}

  async put(a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<void> {
    await this.dataSource.query(
      `insert into attachments (id, owner_kind, owner_id, content_type, size, sha256, bytes, uploaded_by, uploaded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
      [a.id, a.ownerKind, a.ownerId, a.contentType, a.size, a.sha256, bytes, uploadedBy],
    );
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

import type { Tx } from '../infrastructure/persistence/unit-of-work';

/** Where attachment bytes live (ADR 0037: Postgres today; an S3-compatible store would be another adapter). */
export interface StoredAttachment {
  readonly id: string;
  readonly ownerKind: 'article' | 'exemplar';
  readonly ownerId: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * One attachment as its owner's list shows it: what it is and when it came (ISO 8601, UTC), not its
 * bytes (a download is one request per attachment) nor who uploaded it (no answer of this service
 * names an editor; `uploaded_by` is kept for the removals' record).
 */
export interface ListedAttachment {
  readonly id: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedAt: string;
}

export interface AttachmentOwner {
  readonly kind: 'article' | 'exemplar';
  readonly id: string;
}

/**
 * Writes run in the caller's transaction, which holds its owner's row lock: uploads and removals
 * for one owner are taken one at a time, so the same bytes twice leave one row, the per-owner cap
 * holds however many arrive at once, and of two removals of one attachment one finds it (ADR 0124, 0128).
 */
export interface AttachmentStore {
  /** The owner's attachment of these bytes (same sha256), if it has one. */
  sameBytes(tx: Tx, owner: AttachmentOwner, sha256: string): Promise<StoredAttachment | undefined>;
  /** The owner's attachments, oldest first (upload time, then id). */
  listOf(tx: Tx, owner: AttachmentOwner): Promise<ListedAttachment[]>;
  /** How many attachments the owner holds. */
  countOf(tx: Tx, owner: AttachmentOwner): Promise<number>;
  add(tx: Tx, a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<void>;
  /**
   * Deletes the attachment, bytes and all, if it is the owner's, and records in the same statement
   * what it was, who uploaded it and who removed it (ADR 0128); whether there was one to delete.
   */
  remove(tx: Tx, owner: AttachmentOwner, id: string, removedBy: string): Promise<boolean>;
  get(id: string): Promise<(StoredAttachment & { bytes: Buffer }) | undefined>;
}
export const ATTACHMENT_STORE = Symbol('AttachmentStore');

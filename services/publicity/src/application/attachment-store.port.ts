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

export interface AttachmentOwner {
  readonly kind: 'article' | 'exemplar';
  readonly id: string;
}

/**
 * Writes run in the caller's transaction, which holds its owner's row lock: uploads to one owner
 * are taken one at a time, so the same bytes twice leave one row and the per-owner cap holds
 * however many arrive at once (ADR 0124).
 */
export interface AttachmentStore {
  /** The owner's attachment of these bytes (same sha256), if it has one. */
  sameBytes(tx: Tx, owner: AttachmentOwner, sha256: string): Promise<StoredAttachment | undefined>;
  /** How many attachments the owner holds. */
  countOf(tx: Tx, owner: AttachmentOwner): Promise<number>;
  add(tx: Tx, a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<void>;
  get(id: string): Promise<(StoredAttachment & { bytes: Buffer }) | undefined>;
}
export const ATTACHMENT_STORE = Symbol('AttachmentStore');

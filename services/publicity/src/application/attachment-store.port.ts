/** Where attachment bytes live (ADR 0037: Postgres today; an S3-compatible store would be another adapter). */
export interface StoredAttachment {
  readonly id: string;
  readonly ownerKind: 'article' | 'exemplar';
  readonly ownerId: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

export interface AttachmentStore {
  /**
   * Stores `a`, unless its owner already has these bytes (same sha256): then that attachment is
   * returned and nothing is stored, so fifty identical uploads at once leave one row, not fifty.
   */
  put(a: StoredAttachment, bytes: Buffer, uploadedBy: string): Promise<StoredAttachment>;
  get(id: string): Promise<(StoredAttachment & { bytes: Buffer }) | undefined>;
}
export const ATTACHMENT_STORE = Symbol('AttachmentStore');

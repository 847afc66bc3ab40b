import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { DomainError } from '@vanguard/kernel';
import { checkAttachment, mayAttachOneMore, mayChangeAttachmentsOf, type AttachmentOwnerState } from '../domain/content/attachment';
import { ATTACHMENT_STORE, type AttachmentStore, type ListedAttachment, type StoredAttachment } from './attachment-store.port';
import { ArticlesService } from './articles.service';
import { ExemplarsService } from './exemplars.service';
import { UnitOfWork, type Tx } from '../infrastructure/persistence/unit-of-work';

/** Attachments of articles and exemplars: checked by their bytes, stored behind a port, read back only in scope. */
@Injectable()
export class AttachmentsService {
  constructor(
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    private readonly articles: ArticlesService,
    private readonly exemplars: ExemplarsService,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * In one transaction holding the owner's row lock (ADR 0124): uploads to one owner are taken one
   * at a time, so the same bytes sent fifty times at once leave one row and fifty different files
   * leave at most the cap; a withdrawal or a submission cannot slip in between the check and the
   * insert, and a removal committed before the count is seen by it. The owner is judged as for a
   * removal (a draft article, an exemplar not closed: ADR 0128) before the bytes are.
   */
  upload(
    p: Principal,
    ownerKind: 'article' | 'exemplar',
    ownerId: string,
    bytes: Buffer,
    declaredType: string | undefined,
  ): Promise<StoredAttachment> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return this.uow.run(async (tx) => {
      mayChangeAttachmentsOf(await this.ownerState(tx, p, ownerKind, ownerId, true), 'attach');
      const contentType = checkAttachment(bytes, declaredType);
      const owner = { kind: ownerKind, id: ownerId };
      const had = await this.store.sameBytes(tx, owner, sha256);
      if (had) return had;
      mayAttachOneMore(await this.store.countOf(tx, owner));
      const a: StoredAttachment = { id: randomUUID(), ownerKind, ownerId, contentType, size: bytes.length, sha256 };
      await this.store.add(tx, a, bytes, p.sub);
      return a;
    });
  }

  /**
   * Judged as an upload is, in one transaction holding the owner's row lock (ADR 0128): the owner
   * first (unknown or outside the caller's scope: 404), its state next (a draft article, an
   * exemplar not closed: else 422), then the attachment, which must be this owner's (else 404, as
   * for the second of two removals). The row goes with its bytes: its place under the cap is free
   * to the next upload, which waits on the same lock, and a download of it is 404. What it was,
   * who uploaded it and who removed it are recorded in the same transaction.
   */
  remove(p: Principal, ownerKind: 'article' | 'exemplar', ownerId: string, attachmentId: string): Promise<void> {
    return this.uow.run(async (tx) => {
      mayChangeAttachmentsOf(await this.ownerState(tx, p, ownerKind, ownerId, true), 'remove');
      if (!(await this.store.remove(tx, { kind: ownerKind, id: ownerId }, attachmentId, p.sub))) throw attachmentNotFound();
    });
  }

  /**
   * What the owner holds, oldest first, read as a download is (no lock, nothing changes): the owner
   * first, unknown or outside the caller's scope answered with the owner's 404, as its other routes
   * answer it: `GET /articles/:id` says as much of the id the caller sent, so the list says no more.
   */
  list(p: Principal, ownerKind: 'article' | 'exemplar', ownerId: string): Promise<ListedAttachment[]> {
    return this.uow.run(async (tx) => {
      await this.ownerState(tx, p, ownerKind, ownerId, false);
      return this.store.listOf(tx, { kind: ownerKind, id: ownerId });
    });
  }

  /**
   * An attachment whose owner is unknown or outside the caller's scope is answered as an unknown
   * attachment, in the same words: `ARTICLE.NOT_FOUND` would tell the caller the id exists, and
   * whose kind it is.
   */
  async download(p: Principal, id: string): Promise<StoredAttachment & { bytes: Buffer }> {
    const a = await this.store.get(id);
    if (!a) throw attachmentNotFound();
    try {
      await this.uow.run((tx) => this.ownerState(tx, p, a.ownerKind, a.ownerId, false));
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'not_found') throw attachmentNotFound();
      throw e;
    }
    return a;
  }

  /** The owner must exist and be in the caller's scope (both answer 404 otherwise); its row locked when a change is to follow. */
  private async ownerState(tx: Tx, p: Principal, kind: 'article' | 'exemplar', id: string, lock: boolean): Promise<AttachmentOwnerState> {
    if (kind === 'article') return { kind, status: (await this.articles.load(tx, p, id, lock)).status };
    return { kind, status: (await this.exemplars.load(tx, p, id, lock)).status };
  }
}

const attachmentNotFound = (): DomainError => new DomainError('ATTACHMENT.NOT_FOUND', 'not_found', '未找到附件 / no such attachment');

import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { DomainError } from '@vanguard/kernel';
import { checkAttachment, mayAttachOneMore, mayAttachTo, type AttachmentOwnerState } from '../domain/content/attachment';
import { ATTACHMENT_STORE, type AttachmentStore, type StoredAttachment } from './attachment-store.port';
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
   * leave at most the cap; and a withdrawal cannot slip in between the check and the insert.
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
      mayAttachTo(await this.ownerState(tx, p, ownerKind, ownerId, true));
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

  async download(p: Principal, id: string): Promise<StoredAttachment & { bytes: Buffer }> {
    const a = await this.store.get(id);
    if (!a) throw new DomainError('ATTACHMENT.NOT_FOUND', 'not_found', '未找到附件 / no such attachment');
    await this.uow.run((tx) => this.ownerState(tx, p, a.ownerKind, a.ownerId, false));
    return a;
  }

  /** The owner must exist and be in the caller's scope (both answer 404 otherwise); its row locked when an upload is to follow. */
  private async ownerState(tx: Tx, p: Principal, kind: 'article' | 'exemplar', id: string, lock: boolean): Promise<AttachmentOwnerState> {
    if (kind === 'article') {
      await this.articles.load(tx, p, id, lock);
      return { kind };
    }
    return { kind, status: (await this.exemplars.load(tx, p, id, lock)).status };
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { DomainError } from '@vanguard/kernel';
import { checkAttachment } from '../domain/content/attachment';
import { ATTACHMENT_STORE, type AttachmentStore, type StoredAttachment } from './attachment-store.port';
import { ArticlesService } from './articles.service';
import { ExemplarsService } from './exemplars.service';
import { UnitOfWork } from '../infrastructure/persistence/unit-of-work';

/** Attachments of articles and exemplars: checked by their bytes, stored behind a port, read back only in scope. */
@Injectable()
export class AttachmentsService {
  constructor(
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    private readonly articles: ArticlesService,
    private readonly exemplars: ExemplarsService,
    private readonly uow: UnitOfWork,
  ) {}

  async upload(
    p: Principal,
    ownerKind: 'article' | 'exemplar',
    ownerId: string,
    bytes: Buffer,
    declaredType: string | undefined,
  ): Promise<StoredAttachment> {
    await this.owner(p, ownerKind, ownerId);
    const contentType = checkAttachment(bytes, declaredType);
    const a: StoredAttachment = {
      id: randomUUID(),
      ownerKind,
      ownerId,
      contentType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    return this.store.put(a, bytes, p.sub);
  }

  async download(p: Principal, id: string): Promise<StoredAttachment & { bytes: Buffer }> {
    const a = await this.store.get(id);
    if (!a) throw new DomainError('ATTACHMENT.NOT_FOUND', 'not_found', '未找到附件 / no such attachment');
    await this.owner(p, a.ownerKind, a.ownerId);
    return a;
  }

  /** The owner must exist and be in the caller's scope (both answer 404 otherwise). */
  private async owner(p: Principal, kind: 'article' | 'exemplar', id: string): Promise<void> {
    if (kind === 'article') await this.uow.run((tx) => this.articles.load(tx, p, id));
    else await this.exemplars.get(p, id);
  }
}

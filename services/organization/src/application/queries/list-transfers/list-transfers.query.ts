import { Query } from '@nestjs/cqrs';
import type { TransferStatus } from '../../../domain/transfer/member-transfer.aggregate';
import type { Actor } from '../../ports/actor';
import type { Page, PageRequest, TransferView } from '../../ports/organization-read-model.port';

export class ListTransfersQuery extends Query<Page<TransferView>> {
  constructor(
    readonly actor: Actor,
    readonly filter: { subtreeOf?: string; overdue?: boolean; status?: TransferStatus },
    readonly page: PageRequest,
  ) {
    super();
  }
}

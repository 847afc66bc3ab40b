import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { TransferView } from '../../ports/organization-read-model.port';

export class GetTransferQuery extends Query<TransferView> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}

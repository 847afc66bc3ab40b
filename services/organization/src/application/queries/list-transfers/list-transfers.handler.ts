import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../ports/clock.port';
import {
  ORGANIZATION_READ_MODEL,
  type OrganizationReadModel,
  type Page,
  type TransferView,
} from '../../ports/organization-read-model.port';
import { scopedRoot } from '../scoped-reads';
import { ListTransfersQuery } from './list-transfers.query';

@QueryHandler(ListTransfersQuery)
export class ListTransfersHandler implements IQueryHandler<ListTransfersQuery, Page<TransferView>> {
  constructor(
    @Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filter, page }: ListTransfersQuery): Promise<Page<TransferView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listTransfers(
      { ...root, ...(filter.status ? { status: filter.status } : {}), ...(filter.overdue ? { overdueOn: this.clock.today() } : {}) },
      page,
    );
  }
}

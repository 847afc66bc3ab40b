import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TransferNotFoundError } from '../../../domain/transfer/member-transfer.errors';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type TransferView } from '../../ports/organization-read-model.port';
import { OutOfScopeError } from '../../scope/out-of-scope.error';
import { isWithinScope } from '../../scope/access-scope';
import { GetTransferQuery } from './get-transfer.query';

@QueryHandler(GetTransferQuery)
export class GetTransferHandler implements IQueryHandler<GetTransferQuery, TransferView> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetTransferQuery): Promise<TransferView> {
    const t = await this.readModel.findTransfer(id);
    if (!t) throw new TransferNotFoundError(id);
    const [from, to] = await Promise.all([this.readModel.findOrganization(t.fromOrgId), this.readModel.findOrganization(t.toOrgId)]);
    const within = async (o: typeof from) => o !== null && (await isWithinScope(actor, o, this.readModel));
    if (!(await within(from)) && !(await within(to))) throw new OutOfScopeError(t.id);
    return t;
  }
}

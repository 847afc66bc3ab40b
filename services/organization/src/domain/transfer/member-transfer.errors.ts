import { DomainError } from '../shared/domain-error';

export class TransferNotFoundError extends DomainError {
  constructor(id: string) {
    super('TRANSFER.NOT_FOUND', 'not_found', `组织关系转接不存在 / transfer not found: ${id}`);
  }
}

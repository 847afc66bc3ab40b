import { DomainError } from '../../domain/shared/domain-error';

export class OutOfScopeError extends DomainError {
  constructor(orgId: string) {
    super(
      'AUTH.OUT_OF_SCOPE',
      'forbidden',
      `无权操作本组织范围以外的党组织 / organisation ${orgId} is outside your organisation's subtree`,
    );
  }
}

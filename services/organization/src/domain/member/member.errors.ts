import { DomainError } from '../shared/domain-error';

export class MemberNotFoundError extends DomainError {
  constructor(id: string) {
    super('MEMBER.NOT_FOUND', 'not_found', `党员不存在 / member not found: ${id}`);
  }
}

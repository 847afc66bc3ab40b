import { DomainError } from '../shared/domain-error';

export class ContactPointNotFoundError extends DomainError {
  constructor(id: string) {
    super('CONTACT_POINT.NOT_FOUND', 'not_found', `联系点不存在 / contact point not found: ${id}`);
  }
}

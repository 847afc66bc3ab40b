import { DomainError } from '../shared/domain-error';

export class OrganizationNotFoundError extends DomainError {
  constructor(id: string) {
    super('ORGANIZATION.NOT_FOUND', 'not_found', `党组织不存在 / organisation not found: ${id}`);
  }
}

export class OrganizationCodeTakenError extends DomainError {
  constructor(code: string) {
    super('ORGANIZATION.CODE_TAKEN', 'conflict', `组织代码已被使用 / organisation code already in use: ${code}`);
  }
}

export class OrganizationIdTakenError extends DomainError {
  constructor(id: string) {
    super('ORGANIZATION.ID_TAKEN', 'conflict', `组织标识已存在 / organisation id already exists: ${id}`);
  }
}

import { DomainError } from '@vanguard/kernel';

/** One stream per organisation and cycle: its nominations and selections. */
export const pioneerStream = (orgId: string, cycleId: string) => `pioneer-${orgId}-${cycleId}`;

export class PioneerNotFoundError extends DomainError {
  constructor() {
    super('PIONEER.NOT_FOUND', 'not_found', '本组织本季度没有先锋推荐 / no nominations for this organisation and cycle');
  }
}

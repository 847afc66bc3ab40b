import type { Village } from '../../domain/shared/village';
import type { Tx } from './unit-of-work.port';

export const ROSTER = Symbol('Roster');

/**
 * Assistance's questions about organisations and members, answered from its own copy of the
 * organization service's state topics (ADR 0029). Eventually consistent.
 *
 * Inside a transaction pass its `tx`: the question then goes over the transaction's connection.
 * A transaction that waits on a row lock while asking through the pool can starve the pool (50
 * disbursements on one project held all ten connections while the lock holder waited for an
 * eleventh, and timed out).
 */
export interface RosterPort {
  /** The organisation with its path, or null when the copy does not know it. */
  organization(orgId: string, tx?: Tx): Promise<Village | null>;
  /** Those of `orgIds` the copy knows, in one question. */
  organizations(orgIds: readonly string[], tx?: Tx): Promise<Village[]>;
  /** Every organisation the copy knows under this code (村组织代码), whatever its status. */
  organizationsWithCode(code: string, tx?: Tx): Promise<Village[]>;
  /** Whether the member is on the roster and has not left. */
  isActiveMember(memberId: string, tx?: Tx): Promise<boolean>;
}

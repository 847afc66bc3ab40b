import type { Member } from '../../domain/member/member.aggregate';

export const MEMBER_REPOSITORY = Symbol('MemberRepository');

export interface MemberRepository {
  /** The member, locked for the rest of the unit of work. */
  findById(id: string): Promise<Member | null>;
  /**
   * The member's organisation as last committed, unlocked: which organisation to lock before the
   * member (ADR 0129). Null when there is no such member.
   */
  orgOf(id: string): Promise<string | null>;
  save(member: Member): Promise<void>;
  /**
   * Saves many members at once (a merge moves every member of a village): the same checks as
   * `save` — each member's version must be the stored one — in a fixed number of statements.
   */
  saveAll(members: readonly Member[]): Promise<void>;
  /** Active members of an organisation, locked for the rest of the transaction, for a merge. */
  activeOf(orgId: string): Promise<Member[]>;
}

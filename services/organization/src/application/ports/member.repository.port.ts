import type { Member } from '../../domain/member/member.aggregate';

export const MEMBER_REPOSITORY = Symbol('MemberRepository');

export interface MemberRepository {
  findById(id: string): Promise<Member | null>;
  save(member: Member): Promise<void>;
  /** Active members of an organisation, for a merge. */
  activeOf(orgId: string): Promise<Member[]>;
}

export const MEMBER_STATUSES = ['full', 'probationary'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const MEMBER_ROLES = [
  'secretary',
  'committee_member',
  'party_worker',
  'first_secretary',
  'village_official_graduate',
  'party_building_instructor',
] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
/** The glossary's Chinese for each role: what a refusal's Chinese half names. */
export const MEMBER_ROLE_LABEL: Readonly<Record<MemberRole, string>> = {
  secretary: '书记',
  committee_member: '委员',
  party_worker: '党务工作者',
  first_secretary: '第一书记',
  village_official_graduate: '大学生村官',
  party_building_instructor: '党建指导员',
};

/** 党员先锋岗 / 示范岗 / 责任区 / 示范户 ("亮牌示范"). */
export const VANGUARD_POSTS = ['pioneer_post', 'model_post', 'responsibility_zone', 'model_household'] as const;
export type VanguardPost = (typeof VANGUARD_POSTS)[number];

/** `active` while the member belongs to `orgId`; `left` after leaving other than by transfer. */
export type Membership = 'active' | 'left';

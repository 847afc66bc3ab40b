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

/** 党员先锋岗 / 示范岗 / 责任区 / 示范户 ("亮牌示范"). */
export const VANGUARD_POSTS = ['pioneer_post', 'model_post', 'responsibility_zone', 'model_household'] as const;
export type VanguardPost = (typeof VANGUARD_POSTS)[number];

/** `active` while the member belongs to `orgId`; `left` after leaving other than by transfer. */
export type Membership = 'active' | 'left';

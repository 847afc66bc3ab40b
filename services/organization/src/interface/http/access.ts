import { ROLES, type Role } from '@vanguard/auth';

/** Everyone with a platform role may read inside their own subtree (auditors included). */
export const READ_ROLES: Role[] = [...ROLES];
/** The tree itself: organisation departments; county systems for their own county (roster sync). */
export const ORG_WRITE_ROLES: Role[] = ['admin', 'organizer', 'county_system'];
/** Members and transfers: also branch secretaries, inside their own branch's subtree. */
export const MEMBER_WRITE_ROLES: Role[] = ['admin', 'organizer', 'branch_secretary', 'county_system'];
/** Contact points are kept by organisation departments. */
export const CONTACT_POINT_WRITE_ROLES: Role[] = ['admin', 'organizer'];

import { ROLES, type Role } from '@vanguard/auth';

/** Everyone with a platform role may read inside their own subtree (auditors included). */
export const READ_ROLES: Role[] = [...ROLES];
/** Pairings, projects and funds are kept by assistance officers and organisation departments. */
export const ASSISTANCE_WRITE_ROLES: Role[] = ['admin', 'organizer', 'assistance_officer'];
/**
 * Field work (diary, contact cards, visits, deeds) is also written by branch secretaries in
 * their own subtree: a first secretary serves as the village branch's secretary.
 */
export const FIELD_WORK_ROLES: Role[] = ['admin', 'organizer', 'assistance_officer', 'branch_secretary'];

// The roles each step of a commendation is taken in, in one place: the deciders check them and
// the service's HTTP guards read them from here, so the two cannot drift apart.

/** A branch or township nominates: its secretary, or an organiser or admin of that organisation. */
export const NOMINATING_ROLES = ['branch_secretary', 'organizer', 'admin'] as const;
/** A level of the review chain endorses, returns or rejects. */
export const REVIEWING_ROLES = ['reviewer', 'organizer', 'admin'] as const;
/** The awarding body launches, allocates places, publishes the notice, decides and revokes. */
export const AWARDING_ROLES = ['organizer', 'admin'] as const;
/** 纪检: investigates objections (a realm role). */
export const INVESTIGATOR_ROLE = 'inspector';
/** Who may assign an objection to an investigator. */
export const ASSIGNING_ROLES = ['inspector', 'organizer', 'admin'] as const;

export const hasRole = (roles: readonly string[], role: string): boolean => roles.includes(role);

/** Realm roles (DESIGN.md, Security); `county_system` marks the service accounts of county systems. */
export const ROLES = [
  'admin',
  'organizer',
  'branch_secretary',
  'evaluator',
  'reviewer',
  'editor',
  'assistance_officer',
  'auditor',
  // 纪检: investigates objections to a commendation's public notice.
  'inspector',
  // Reads the auditors' own trail (who audited what, when); issue 12.
  'audit_supervisor',
  'county_system',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Who is calling, as the token says: what handlers see instead of raw claims. */
export interface Principal {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** The organisation whose subtree this principal may act in. */
  readonly orgId: string | undefined;
  /** `service` for confidential clients' service accounts (county systems): Keycloak names their user `service-account-<client id>`. */
  readonly kind: 'user' | 'service';
  /** The client the token was issued to (`azp`). */
  readonly clientId: string | undefined;
}

export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const realmAccess = claims['realm_access'] as { roles?: unknown } | undefined;
  const rawRoles = Array.isArray(realmAccess?.roles) ? (realmAccess.roles as unknown[]) : [];
  const username = typeof claims['preferred_username'] === 'string' ? claims['preferred_username'] : String(claims['sub']);
  const roles = rawRoles.filter((r): r is Role => typeof r === 'string' && isRole(r));
  return {
    sub: String(claims['sub']),
    username,
    roles,
    orgId: typeof claims['org_id'] === 'string' ? claims['org_id'] : undefined,
    // By the account, not the role: a person granted county_system is still a person.
    kind: username.startsWith('service-account-') ? 'service' : 'user',
    clientId: typeof claims['azp'] === 'string' ? claims['azp'] : undefined,
  };
}

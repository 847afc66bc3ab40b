/** The caller of a command or query, as the token says (see @vanguard/auth Principal). */
export interface Actor {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly orgId: string | undefined;
  readonly kind: 'user' | 'service';
}

/** The platform itself, e.g. the seed or a relay. */
export const SYSTEM_ACTOR: Actor = { sub: 'system', username: 'system', roles: ['admin'], orgId: undefined, kind: 'service' };

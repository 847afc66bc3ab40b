/** The caller, as the token says (see @vanguard/auth Principal). */
export interface Actor {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly orgId: string | undefined;
  readonly kind: 'user' | 'service';
}

/** Who sends a command and in which request; becomes the events' actor and correlation. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
}

/** The platform itself (demo seed). */
export const SYSTEM_ACTOR: Actor = { sub: 'system', username: 'system', roles: ['admin'], orgId: undefined, kind: 'service' };

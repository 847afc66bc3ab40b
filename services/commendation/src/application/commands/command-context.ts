import { DomainError } from '@vanguard/kernel';
import type { StreamContext } from '../ports/streams.port';

/** The caller as the handlers need it (from the token), and the request's correlation id. */
export interface CommandContext {
  readonly caller: {
    readonly sub: string;
    readonly roles: readonly string[];
    readonly orgId: string | undefined;
    readonly kind: 'user' | 'service';
  };
  readonly correlationId: string;
}

/** Who decided, in which role, for which organisation (the shape every decision event records). */
export interface Decider {
  readonly sub: string;
  readonly role: string;
  readonly orgId: string;
}

/** Roles that act in commendation, most specific first: the one recorded is the first the caller holds. */
const ACTING_ROLES = ['inspector', 'branch_secretary', 'organizer', 'admin'] as const;

export class OutOfScopeError extends DomainError {
  constructor() {
    super('AUTH.OUT_OF_SCOPE', 'forbidden', '无权操作本组织范围以外的党组织 / outside your organisation’s subtree');
  }
}

/**
 * The caller's organisation, whose subtree every list and check is about; a token without one
 * is out of every scope. Lists once used '-' in its place, which every path of UUIDs contains,
 * so a token without org_id listed every unit's nominations.
 */
export function callerOrgId(ctx: CommandContext): string {
  if (!ctx.caller.orgId) throw new OutOfScopeError();
  return ctx.caller.orgId;
}

/** Who decided, in which role, for which organisation — recorded on every decision event. */
export function decidedBy(ctx: CommandContext, preferred?: readonly string[]): Decider {
  if (!ctx.caller.orgId) throw new OutOfScopeError();
  const order = preferred ?? ACTING_ROLES;
  const role = order.find((r) => ctx.caller.roles.includes(r)) ?? ctx.caller.roles[0] ?? 'none';
  return { sub: ctx.caller.sub, role, orgId: ctx.caller.orgId };
}

/** The append's envelope context: the actor, the organisation whose subtree scopes the event. */
export function streamContext(ctx: CommandContext, orgId: string): StreamContext {
  const { sub, roles, orgId: actorOrg, kind } = ctx.caller;
  return { actor: { sub, roles, ...(actorOrg ? { orgId: actorOrg } : {}), kind }, orgId, correlationId: ctx.correlationId };
}

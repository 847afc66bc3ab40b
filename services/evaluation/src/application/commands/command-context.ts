import type { DecidedBy } from '@vanguard/evaluation-domain';
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

/** Roles that decide on pledges, most specific first: the one recorded is the first the caller holds. */
const DECIDING_ROLES = ['branch_secretary', 'organizer', 'evaluator', 'admin'] as const;

export class OutOfScopeError extends DomainError {
  constructor() {
    super('AUTH.OUT_OF_SCOPE', 'forbidden', '无权操作本组织范围以外的党组织 / outside your organisation’s subtree');
  }
}

/** Who decided, in which role, for which organisation — recorded on every decision event. */
export function decidedBy(ctx: CommandContext): DecidedBy {
  if (!ctx.caller.orgId) throw new OutOfScopeError();
  const role = DECIDING_ROLES.find((r) => ctx.caller.roles.includes(r)) ?? ctx.caller.roles[0] ?? 'none';
  return { sub: ctx.caller.sub, role, orgId: ctx.caller.orgId };
}

/** The append's envelope context: the actor, the organisation whose subtree scopes the event. */
export function streamContext(ctx: CommandContext, orgId: string): StreamContext {
  const { sub, roles, orgId: actorOrg, kind } = ctx.caller;
  return { actor: { sub, roles, ...(actorOrg ? { orgId: actorOrg } : {}), kind }, orgId, correlationId: ctx.correlationId };
}

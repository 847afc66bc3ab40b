import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '@vanguard/auth';
import type { CommandContext } from '../../application/commands/command-context';

/** Campaigns are run by organisation departments. */
export const CAMPAIGN_ROLES: Role[] = ['admin', 'organizer'];
/** Pledges: branch secretaries for their branch, organisers and evaluators for their subtree. */
export const PLEDGE_ROLES: Role[] = ['admin', 'organizer', 'evaluator', 'branch_secretary'];
/** Reading adds the auditors. */
export const READ_ROLES: Role[] = [...PLEDGE_ROLES, 'auditor', 'reviewer'];

/** The caller and the request's correlation id, for commands and scoped reads. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal; id?: unknown; headers: Record<string, unknown> }>();
  if (!req.principal) throw new Error('Ctx used on a public route');
  const p = req.principal;
  const header = req.headers['x-correlation-id'];
  const correlationId = typeof req.id === 'string' ? req.id : typeof header === 'string' ? header : randomUUID();
  return { caller: { sub: p.sub, roles: p.roles, orgId: p.orgId, kind: p.kind }, correlationId };
});

export { uuidParam } from '@vanguard/http';

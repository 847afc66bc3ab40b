import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@vanguard/auth';
import type { Actor, CommandContext } from '../../application/ports/context.port';

export const actorOf = (p: Principal): Actor => ({ sub: p.sub, username: p.username, roles: p.roles, orgId: p.orgId, kind: p.kind });

/** The caller and the request's correlation id, for commands. */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal; id?: unknown; headers: Record<string, unknown> }>();
  if (!req.principal) throw new Error('CommandCtx used on a public route');
  const header = req.headers['x-correlation-id'];
  const correlationId = typeof req.id === 'string' ? req.id : typeof header === 'string' && header.length <= 200 ? header : randomUUID();
  return { actor: actorOf(req.principal), correlationId };
});

/** The caller as an actor, for queries. */
export const ReadCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('ReadCtx used on a public route');
  return actorOf(req.principal);
});

export { uuidParam } from '@vanguard/http';

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@vanguard/auth';
import type { CommandContext } from '../../application/commands/command-context';
import type { Actor } from '../../application/ports/actor';

export const actorOf = (p: Principal): Actor => ({ sub: p.sub, username: p.username, roles: p.roles, orgId: p.orgId, kind: p.kind });

/** The caller and the request's correlation id, for commands. */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal; id?: unknown; headers: Record<string, unknown> }>();
  if (!req.principal) throw new Error('CommandCtx used on a public route');
  const header = req.headers['x-correlation-id'];
  const correlationId = typeof req.id === 'string' ? req.id : typeof header === 'string' ? header : randomUUID();
  return { actor: actorOf(req.principal), correlationId };
});

export { uuidParam } from '@vanguard/http';

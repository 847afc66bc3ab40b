import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const ROLES_KEY = 'vanguard:roles';
export const PUBLIC_KEY = 'vanguard:public';

/** The roles allowed to call this handler (any one suffices). Every non-public endpoint states them. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Health, metrics and the honour roll: the only endpoints without a token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a public route');
  return req.principal;
});

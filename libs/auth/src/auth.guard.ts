import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Principal, Role } from './principal';
import { TokenRejectedError, TokenVerifier } from './token-verifier';

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Global guard: no token → 401, bad token → 401, Keycloak's keys unreadable → 503, missing role → 403. A handler
 * without @Roles and without @Public is refused, so a forgotten annotation fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: '需要登录 / a bearer token is required' });
    try {
      req.principal = await this.verifier.verify(match[1]);
    } catch (e) {
      // Keycloak's keys unreadable says nothing of the token: the caller is to retry, not to sign in again.
      if (e instanceof TokenRejectedError && e.code === 'AUTH.KEYS_UNAVAILABLE') {
        throw new ServiceUnavailableException({
          code: e.code,
          message: '登录服务暂不可用，请稍后重试 / signing keys unavailable',
          retryAfterSec: 5,
        });
      }
      if (e instanceof TokenRejectedError) throw new UnauthorizedException({ code: e.code, message: e.message });
      throw e;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed || !allowed.some((r) => req.principal?.roles.includes(r))) {
      throw new ForbiddenException({
        code: 'AUTH.ROLE_REQUIRED',
        message: `无权访问 / requires one of: ${(allowed ?? []).join(', ') || '(no role declared)'}`,
      });
    }
    return true;
  }
}

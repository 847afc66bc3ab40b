import {
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../principal';
import { ScopeService } from './scope.service';

export const ORG_SCOPE_KEY = 'vanguard:org-scope';

/** Where the request names the organisation it acts on. */
export interface OrgScopeSource {
  readonly from: 'params' | 'query' | 'body';
  readonly field: string;
  /**
   * What an id the copy does not hold is answered with, where a route documents "unknown" apart
   * from "not yours"; without it, an unknown id is outside every subtree (403).
   */
  readonly unknown?: (orgId: string) => Error;
}

/**
 * The handler acts on the organisation named at `from.field`; the caller must hold it
 * (its token's `org_id` is that organisation or an ancestor, per the local org_tree copy).
 * Use after the global AuthGuard: `@ScopedTo({ from: 'params', field: 'orgId' })`.
 */
export const ScopedTo = (source: OrgScopeSource) => applyDecorators(SetMetadata(ORG_SCOPE_KEY, source), UseGuards(OrgScopeGuard));

@Injectable()
export class OrgScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ScopeService) private readonly scope: ScopeService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const source = this.reflector.getAllAndOverride<OrgScopeSource | undefined>(ORG_SCOPE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!source) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ principal?: Principal } & Record<OrgScopeSource['from'], Record<string, unknown> | undefined>>();
    const orgId = req[source.from]?.[source.field];
    // The tree keeps ids as Postgres prints them, lower-case: an id the URL spelled in another
    // case (a percent-escaped letter escapes canonicalUuidUrls) is the same organisation.
    const id = typeof orgId === 'string' ? orgId.toLowerCase() : undefined;
    if (req.principal && id !== undefined && source.unknown && !this.scope.knows(id)) throw source.unknown(String(orgId));
    if (!req.principal || id === undefined || !this.scope.isWithin(req.principal, id)) {
      throw new ForbiddenException({
        code: 'AUTH.OUT_OF_SCOPE',
        message: `无权操作本组织范围以外的党组织 / organisation ${String(orgId)} is outside your organisation's subtree`,
      });
    }
    return true;
  }
}

import {
  BadRequestException,
  NotFoundException,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ScopedTo, type OrgScopeSource } from '@vanguard/auth';
import { reasonInChinese } from '@vanguard/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An organisation reporting's copy (`rpt_org`) does not hold: the same answer from the guard and from a handler. */
export const organizationUnknown = (orgId: string): NotFoundException =>
  new NotFoundException({ code: 'REPORT.ORGANIZATION_UNKNOWN', message: `组织不存在 / organisation ${orgId} is unknown here` });

/**
 * `@ScopedTo` preceded by a format check of the same field. Guards run before pipes, so
 * without it `orgId=not-a-uuid` reached the scope guard first and came back 403 (not in your
 * subtree) instead of 400 naming the field. An id the copy does not hold is 404, as the routes
 * document it, not "outside your subtree".
 */
export function ScopedToOrg(source: Omit<OrgScopeSource, 'unknown'>): MethodDecorator & ClassDecorator {
  class OrgIdFormatGuard implements CanActivate {
    canActivate(ctx: ExecutionContext): boolean {
      const req = ctx.switchToHttp().getRequest<Record<OrgScopeSource['from'], Record<string, unknown> | undefined>>();
      const v = req[source.from]?.[source.field];
      if (typeof v === 'string' && UUID.test(v)) return true;
      const reason = reasonInChinese('isUuid', `${source.field} must be a UUID`);
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${source.field}: ${reason}`,
        errors: [{ field: source.field, reason }],
      });
    }
  }
  // In this order: the metadata lists the format guard first, so it runs first.
  return applyDecorators(UseGuards(OrgIdFormatGuard), ScopedTo({ ...source, unknown: organizationUnknown }));
}

import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '@vanguard/auth';
import { isCalendarDay } from '@vanguard/contracts';
import { reasonInChinese } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';

/** Award programmes and the working-day calendar: organisation departments. */
export const PROGRAMME_ROLES: Role[] = ['admin', 'organizer'];
/** Nominating and reviewing along the chain: branch and township secretaries, organisers. */
export const CHAIN_ROLES: Role[] = ['admin', 'organizer', 'branch_secretary'];
/** 纪检: objections are investigated by the discipline-inspection role. */
export const INSPECTOR_ROLES: Role[] = ['admin', 'inspector'];
/** Reading adds the auditors, reviewers and inspectors. */
export const READ_ROLES: Role[] = [...CHAIN_ROLES, 'auditor', 'reviewer', 'inspector'];

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

/** A YYYY-MM-DD that is a real day Postgres can store (the contracts' one rule). */
export function dayParam(field: string, value: string): string {
  if (!isCalendarDay(value))
    throw new BadRequestException({
      code: 'REQUEST.INVALID',
      message: `请求参数有误 / invalid request: ${field}: must be a date YYYY-MM-DD`,
      errors: [{ field, reason: reasonInChinese('isDay', `${field} must be a date YYYY-MM-DD`) }],
    });
  return value;
}

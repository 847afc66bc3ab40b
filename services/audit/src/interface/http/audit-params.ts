import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@vanguard/auth';
import { AuditRefusal } from '../../application/audit-refusal';
import type { Instant } from '../../application/audit-reader';
import type { Auditor } from '../../application/audit-trail';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant with its offset (`2011-06-30T16:00:00Z`, `2011-07-01T00:00:00+08:00`), as UTC ISO-8601; 400 otherwise. */
export function parseInstant(field: string, raw: unknown): string {
  if (typeof raw !== 'string' || !ISO_INSTANT.test(raw) || Number.isNaN(Date.parse(raw)))
    throw AuditRefusal.invalid(field, `须为带时区的 ISO-8601 时刻 / must be an ISO-8601 instant with an offset, e.g. 2011-06-30T16:00:00Z`);
  return new Date(raw).toISOString();
}

export function parsePositiveInt(field: string, raw: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw AuditRefusal.invalid(field, `须为 1 到 ${max} 的整数 / must be an integer from 1 to ${max}`);
  return n;
}

/** `<prefix>At` (an instant) or `<prefix>Version`: exactly one. */
export function parseInstantOrVersion(query: Record<string, unknown>, at: string, version: string): Instant {
  const hasAt = query[at] !== undefined;
  const hasVersion = query[version] !== undefined;
  if (hasAt === hasVersion) throw AuditRefusal.invalid(at, `须给出 ${at} 或 ${version} 之一 / give exactly one of ${at} and ${version}`);
  return hasAt ? { recordedAt: parseInstant(at, query[at]) } : { version: parsePositiveInt(version, query[version]) };
}

/** The caller as the trail records them, and the request's correlation id. */
export const AuditCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): { auditor: Auditor; correlationId: string } => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal; id?: unknown }>();
  if (!req.principal) throw new Error('AuditCaller used on a public route');
  const p = req.principal;
  return {
    auditor: { sub: p.sub, username: p.username, roles: p.roles, orgId: p.orgId },
    correlationId: typeof req.id === 'string' ? req.id : randomUUID(),
  };
});

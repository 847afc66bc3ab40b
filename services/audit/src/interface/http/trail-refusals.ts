import { HttpException } from '@nestjs/common';
import type { AuditQuery, AuditTrail, Auditor } from '../../application/audit-trail';

/**
 * Runs a check that may refuse a query the service understood — out of the caller's subtree (403,
 * or a stream's 404), past their long-work slots (429), an earlier checkpoint never published
 * (404) — recording a refusal in the auditors' trail before it is answered: the query with
 * `refused: <code>`, so a supervisor sees who tried, not only who read (ADR 0094). Input the
 * service could not read (400) is no query, and a failure of its own (5xx) no refusal: neither
 * is recorded.
 */
export async function refusalRecorded<T>(
  trail: AuditTrail,
  c: { readonly auditor: Auditor; readonly correlationId: string },
  q: AuditQuery,
  check: () => T | Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (e) {
    const code = refusalCode(e);
    if (code !== undefined) await trail.record(c.auditor, { ...q, params: { ...q.params, refused: code } }, c.correlationId);
    throw e;
  }
}

function refusalCode(e: unknown): string | undefined {
  if (!(e instanceof HttpException)) return undefined;
  const status = e.getStatus();
  if (status < 401 || status > 499) return undefined;
  const body = e.getResponse();
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : String(status);
}

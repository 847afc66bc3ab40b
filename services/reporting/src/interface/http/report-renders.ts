import type { ConcurrencyLimiter, LongWork } from '@vanguard/http';

/** The limiter for rendering downloads (docx, PDF, xlsx): each holds CPU and the whole file in memory. */
export const REPORT_RENDERS = Symbol('ReportRenders');

/**
 * Two renders per user and six in all: a province's workbook takes CPU on the request thread and
 * a PDF on the renderer's thread (ADR 0086), and fifty asked at once would starve every other request. A refused caller
 * gets 429 with Retry-After at once instead of a socket held in a queue.
 */
export function reportRenders(longWork: LongWork): ConcurrencyLimiter {
  return longWork.limiter({ zh: '报表生成', en: 'report renders' }, { perUser: 2, total: 6, retryAfterSec: 5 });
}

import type { ServerResponse } from 'node:http';
import { isHeadRequest, streamBody, type ConcurrencyLimiter, type LongWork } from '@vanguard/http';
import { RenderCancelled } from '../../infrastructure/export/export-renderer';
import { QueryStopped } from '../../infrastructure/stoppable-query';

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

/** The limiter for traces: a province's trace scans a year of facts on a connection of the pool the projection's inbox shares. */
export const REPORT_TRACES = Symbol('ReportTraces');

/**
 * Two traces per user and four in all, so at least six of the pool's ten connections stay with
 * the consumer and the figures whatever the callers do; a refused caller gets 429 with Retry-After.
 */
export function reportTraces(longWork: LongWork): ConcurrencyLimiter {
  return longWork.limiter({ zh: '事件追溯查询', en: 'trace queries' }, { perUser: 2, total: 4, retryAfterSec: 2 });
}

/** A rendered file in pieces, so streamBody can watch the client read it. */
async function* chunksOf(body: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < body.length; at += 64 * 1024) yield await Promise.resolve(body.subarray(at, at + 64 * 1024));
}

/**
 * RFC 5987's attr-char leaves out `'`, `(`, `)` and `*` (and RFC 8187 `!` with them), which
 * encodeURIComponent keeps: a branch named 第一支部(筹) gave a header strict clients refuse.
 */
export const rfc5987 = (value: string): string =>
  encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const attachment = (name: string) => `attachment; filename*=UTF-8''${rfc5987(name)}`;

/**
 * A download rendered and sent under one place of `renders`: 429 with Retry-After past its limits,
 * and the place held until the last byte is handed to the socket or the client is cut (nothing
 * read for `stallMs`, or `maxMs` in all), so a client that leaves files unread cannot pile them up
 * in memory. A client that leaves before its file is made aborts `render`'s signal: a read of its
 * figures is stopped (its statement cancelled, QueryStopped) and a render still waiting for a
 * thread is dropped, either freeing its place at once; one already on a thread is finished and
 * thrown away; nothing is answered.
 */
export async function sendRendered(
  renders: ConcurrencyLimiter,
  who: string,
  res: ServerResponse,
  file: { readonly type: string; readonly name?: string },
  render: (signal: AbortSignal) => Promise<Buffer>,
  { stallMs = 30_000, maxMs = 10 * 60_000 }: { readonly stallMs?: number; readonly maxMs?: number } = {},
): Promise<void> {
  const lease = renders.acquire(who);
  const gone = new AbortController();
  const leave = () => {
    if (!res.writableEnded) gone.abort();
  };
  res.once('close', leave);
  // Gone before anyone listened (while the organisation was looked up).
  if (res.destroyed) leave();
  // What a GET and a HEAD both answer with.
  const fileHeaders = () => {
    res.statusCode = 200;
    res.setHeader('content-type', file.type);
    if (file.name) res.setHeader('content-disposition', attachment(file.name));
  };
  try {
    // Gone already: not even the figures are read.
    if (gone.signal.aborted) return;
    // A HEAD: the type and name a GET would send, and neither the figures read nor the file rendered (ADR 0141).
    if (isHeadRequest(res)) return void (fileHeaders(), res.end());
    let body: Buffer;
    try {
      body = await render(gone.signal);
    } catch (e) {
      const stoppedByLeaving = e instanceof RenderCancelled || (e instanceof QueryStopped && e.why === 'cancelled');
      if (stoppedByLeaving && gone.signal.aborted) return;
      throw e;
    }
    if (gone.signal.aborted) return;
    fileHeaders();
    res.setHeader('content-length', String(body.length));
    await streamBody(res, chunksOf(body), { signal: lease.signal, stallMs, maxMs });
  } finally {
    res.off('close', leave);
    lease.release();
  }
}

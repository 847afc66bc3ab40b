import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A public page as sent: its JSON text, rendered once, and the validator of that text. Public
 * reads read thousands of times a second (a commendation's notice, the honour roll) keep this
 * in memory, so a hit costs neither a query nor a serialisation, and is sent before guards,
 * pipes and interceptors by a service's fast path.
 */
export interface RenderedJson<T = unknown> {
  readonly value: T;
  readonly body: string;
  readonly etag: string;
}

/** Renders once; the ETag is the given one (e.g. a data version) or a strong hash of the text. */
export function renderJson<T>(value: T, etag?: string): RenderedJson<T> {
  const body = JSON.stringify(value);
  return { value, body, etag: etag ?? `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for a GET, or `*`). */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  return (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch)
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t === bare || t === `W/${bare}`);
}

/** Sends the page with its ETag and `cacheControl`: 304 and no body when the client holds that ETag. */
export function sendRenderedJson(req: IncomingMessage, res: ServerResponse, rendered: RenderedJson, cacheControl: string): void {
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', rendered.etag);
  if (etagMatches(req.headers['if-none-match'], rendered.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(rendered.body));
  res.end(rendered.body);
}

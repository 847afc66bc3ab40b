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
  // What a revalidating client sends nearly always: the ETag as it was given, alone.
  if (ifNoneMatch === etag) return true;
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

/**
 * A rendered page ready for the wire, made once per page: its UTF-8 bytes and the headers of
 * both answers, so a hit neither encodes the text nor measures it again. `bytes` is absent for
 * an ETag known without its page (a 304 needs none).
 */
export interface PreparedJson {
  readonly etag: string;
  readonly bytes?: Buffer;
  readonly okHeaders: readonly string[];
  readonly notModifiedHeaders: readonly string[];
}

export function prepareJson(etag: string, body: string | undefined, cacheControl: string): PreparedJson {
  const notModifiedHeaders = ['Cache-Control', cacheControl, 'ETag', etag];
  if (body === undefined) return { etag, okHeaders: notModifiedHeaders, notModifiedHeaders };
  const bytes = Buffer.from(body, 'utf8');
  return {
    etag,
    bytes,
    notModifiedHeaders,
    okHeaders: [...notModifiedHeaders, 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(bytes.length)],
  };
}

/**
 * Sends a prepared page as sendRenderedJson does (304 when the client holds the ETag, else the
 * bytes), with `extraHeaders` (name, value, …) before its own, in one writeHead: meant for a
 * response nothing has set a header on yet (answerAheadOfRouter). False, with nothing sent, when
 * the client does not hold the ETag and the page has no bytes.
 */
export function sendPreparedJson(
  req: IncomingMessage,
  res: ServerResponse,
  page: PreparedJson,
  extraHeaders: readonly string[] = [],
): boolean {
  if (etagMatches(req.headers['if-none-match'], page.etag)) {
    res.writeHead(304, [...extraHeaders, ...page.notModifiedHeaders]);
    res.end();
    return true;
  }
  if (!page.bytes) return false;
  res.writeHead(200, [...extraHeaders, ...page.okHeaders]);
  res.end(page.bytes);
  return true;
}

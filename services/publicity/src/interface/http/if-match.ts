import { createHash } from 'node:crypto';
import {
  BadRequestException,
  Injectable,
  PreconditionFailedException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import type { Precondition } from '../../application/precondition';

/** One article or exemplar as answered: its `version` moves with every change the service makes to it. */
interface Versioned {
  readonly version: number;
}

/**
 * A strong ETag of one article's or exemplar's answer (ADR 0124): its version, for people, and a
 * digest of the JSON sent, so the tag changes whenever the answer does (an exemplar shows its
 * organisation's name as renamed, without a new version). Express's own tag is weak
 * (`W/"135-…"`), and `If-Match` compares strongly (RFC 9110 §13.1.1): a weak tag never matches.
 */
export function etagOf<V extends Versioned>(view: V): string {
  const digest = createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 22);
  return `"${view.version}-${digest}"`;
}

/** Sets the representation's ETag on every answer of one view (GET, PATCH, commands), so If-None-Match (304) and If-Match use one tag. */
@Injectable()
export class RepresentationETag implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((view: Versioned) => {
        res.setHeader('ETag', etagOf(view));
        return view;
      }),
    );
  }
}

export type IfMatch = '*' | readonly { readonly weak: boolean; readonly tag: string }[];

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text.
const ENTITY_TAG = /(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/y;

const malformed = (reason: string) =>
  new BadRequestException({
    code: 'REQUEST.INVALID',
    message: `请求参数有误 / invalid request: If-Match: ${reason}`,
    errors: [{ field: 'If-Match', reason }],
  });

/** `If-Match` read as RFC 9110 writes it: `*` or a list of entity tags; absent is undefined, anything else a 400 naming the header. */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags: { weak: boolean; tag: string }[] = [];
  let at = 0;
  for (;;) {
    while (at < header.length && /[\s,]/.test(header[at]!)) at++;
    if (at >= header.length) break;
    ENTITY_TAG.lastIndex = at;
    const m = ENTITY_TAG.exec(header);
    if (!m) break;
    tags.push({ weak: m[1] !== undefined, tag: m[2]! });
    at = ENTITY_TAG.lastIndex;
    while (at < header.length && /[ \t]/.test(header[at]!)) at++;
    if (at < header.length && header[at] !== ',') break;
  }
  if (at < header.length || tags.length === 0)
    throw malformed(
      '须为 * 或此前响应所带的 ETag（含引号） / must be * or the ETag an earlier answer carried, quotes included (e.g. "3-…")',
    );
  return tags;
}

/** Strong comparison (RFC 9110 §8.8.3.2): both tags strong and the same characters. `*` matches whatever is stored. */
export function ifMatchHolds(ifMatch: IfMatch, currentEtag: string): boolean {
  if (ifMatch === '*') return true;
  return ifMatch.some((t) => !t.weak && `"${t.tag}"` === currentEtag);
}

/**
 * The precondition an `If-Match` header sets on an edit, or none when it is absent (the edit then
 * applies as it always did). When it does not hold: 412 `REQUEST.PRECONDITION_FAILED` with the
 * current ETag as the header and the current version in the message.
 */
export function ifMatchPrecondition<V extends Versioned>(
  header: string | undefined,
  res: Response,
  what: { readonly zh: string; readonly en: string },
): Precondition<V> | undefined {
  const ifMatch = parseIfMatch(header);
  if (ifMatch === undefined) return undefined;
  return (current) => {
    const etag = etagOf(current);
    if (ifMatchHolds(ifMatch, etag)) return;
    res.setHeader('ETag', etag);
    const reason = `the ${what.en} changed since that ETag was read: it is now version ${current.version}, ETag ${etag}`;
    throw new PreconditionFailedException({
      code: 'REQUEST.PRECONDITION_FAILED',
      message: `${what.zh}已被修改，当前为第 ${current.version} 版（ETag ${etag}），请重新读取后再改 / ${reason}; read it again before editing`,
      errors: [{ field: 'If-Match', reason }],
    });
  };
}

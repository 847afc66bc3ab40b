import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID, type ValidationOptions } from 'class-validator';
import { lowerCaseUuids } from '@vanguard/kernel';

export { lowerCaseUuids };

/**
 * Lower-cases the UUIDs of the path and query before anything reads them: guards read
 * `req.params` and `req.query` before any pipe runs, and the fast paths (answerAheadOfRouter)
 * see no pipe at all. Installed first by configureHttpApp.
 */
export function canonicalUuidUrls() {
  return (req: IncomingMessage & { originalUrl?: string }, _res: ServerResponse, next: () => void): void => {
    if (req.url) req.url = canonicalUrl(req.url);
    // Express set it before any middleware ran; the idempotency fingerprint and the logs read it.
    if (req.originalUrl) req.originalUrl = canonicalUrl(req.originalUrl);
    next();
  };
}

/**
 * A URL with its percent-encoded letters, digits, `-`, `_` and `~` decoded (RFC 3986 §6.2.2.2:
 * the same URL either way), then its UUIDs lower-cased. `%36BCC22F1-…` read the notice (the router
 * decodes) and was refused as another programme where the raw URL was compared, the objection
 * limit's key taken all the same. `.` and `%` stay encoded: decoded, `%2E%2E` would become a path
 * step, and a `%` could join what follows into a new escape. A URL holding a `%` that begins no
 * escape is left as it is, for the router to refuse: decoding around it turned `%%33%36BCC…` into
 * `%36BCC…`, which the router then decoded once more (a cold review).
 */
export function canonicalUrl(url: string): string {
  if (!url.includes('%') || /%(?![0-9A-Fa-f]{2})/.test(url)) return lowerCaseUuids(url);
  const decoded = url.replace(/%(4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|3[0-9]|2[Dd]|5[Ff]|7[Ee])/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  return lowerCaseUuids(decoded);
}

const lowerCased = (value: unknown): unknown =>
  typeof value === 'string' ? value.toLowerCase() : Array.isArray(value) ? value.map(lowerCased) : value;

/** `@IsUUID` that hands the field on in lower case: a body's ids, as the URL's (canonicalUuidUrls). */
export function IsUuid(version?: Parameters<typeof IsUUID>[0], options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => lowerCased(value)),
    IsUUID(version, options),
  );
}

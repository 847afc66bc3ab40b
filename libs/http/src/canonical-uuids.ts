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
    if (req.url) req.url = lowerCaseUuids(req.url);
    // Express set it before any middleware ran; the idempotency fingerprint and the logs read it.
    if (req.originalUrl) req.originalUrl = lowerCaseUuids(req.originalUrl);
    next();
  };
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

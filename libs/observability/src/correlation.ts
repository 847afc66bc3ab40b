import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is sane, else a new one (not yet echoed: see correlationIdFor). */
export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && VALID.test(given) ? given : randomUUID();
}

/** Takes the caller's correlation id when it is sane, else makes one, and echoes it back. */
export function correlationIdFor(req: IncomingMessage, res: ServerResponse): string {
  const id = correlationIdOf(req);
  res.setHeader(CORRELATION_HEADER, id);
  return id;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { routedPath } from '@vanguard/kernel';
import type { AddressedRequest } from './client-address';

/**
 * Paths for operators, not users: metrics and the API docs, with every sibling Swagger serves
 * (`/docs-json`, `/docs-yaml`). A prefix, so no spelling of a docs path escapes the list.
 */
const OPERATOR_PATH = /^\/(metrics|docs)/;

/** Judged as the router sees the path (`routedPath`): `/METRICS` or `/%6detrics` reach `/metrics` too. */
export function isOperatorPath(url: string): boolean {
  return OPERATOR_PATH.test(routedPath(url));
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** A header a proxy adds for the client it forwards for: the request is not from the socket's peer. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * A connection from this machine that no proxy forwarded. A proxy on the machine connects from
 * loopback too: whatever it forwards is not local, whoever it says it came from (ADR 0149), and a
 * proxy that forwards without saying so must be configured to (docs/operations.md).
 */
export function isLocalRequest(req: AddressedRequest): boolean {
  return isLoopback(req.socket?.remoteAddress) && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

/**
 * `/metrics` and `/docs` answer only local requests (`isLocalRequest`: the socket's address, never
 * a header anyone could write, and nothing a proxy forwarded), unless `VANGUARD_OPS_ENDPOINTS=open`
 * says an operator's own proxy or network guards them. Anyone else gets the same 404 as for a path that does not exist.
 * Plain Node request and response, so it works under any Nest HTTP adapter.
 */
export function operatorEndpointsGuard(env: NodeJS.ProcessEnv = process.env) {
  const open = env['VANGUARD_OPS_ENDPOINTS'] === 'open';
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const url = req.originalUrl ?? req.url ?? '/';
    if (open || !isOperatorPath(url) || isLocalRequest(req)) {
      next();
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({ statusCode: 404, code: 'RESOURCE.NOT_FOUND', message: `Cannot ${req.method ?? 'GET'} ${url.split('?')[0] ?? url}` }),
    );
  };
}

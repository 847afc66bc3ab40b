import type { IncomingMessage, ServerResponse } from 'node:http';
import { routedPath } from '@vanguard/kernel';
import { clientAddress } from './client-address';

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

/**
 * `/metrics` and `/docs` answer only clients on this machine (the socket's address, or the one a
 * trusted proxy forwarded for: `clientAddress`, never a header anyone else could write), unless `VANGUARD_OPS_ENDPOINTS=open` says an operator's own
 * proxy or network guards them. Anyone else gets the same 404 as for a path that does not exist.
 * Plain Node request and response, so it works under any Nest HTTP adapter.
 */
export function operatorEndpointsGuard(env: NodeJS.ProcessEnv = process.env) {
  const open = env['VANGUARD_OPS_ENDPOINTS'] === 'open';
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const url = req.originalUrl ?? req.url ?? '/';
    if (open || !isOperatorPath(url) || isLoopback(clientAddress(req))) {
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

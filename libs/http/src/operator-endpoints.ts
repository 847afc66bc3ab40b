import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths for operators, not users: metrics and the API docs. */
const OPERATOR_PATH = /^\/(metrics|docs)(\/|$|\?)/;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * `/metrics` and `/docs` answer only connections from this machine (the socket's address, not
 * a header a caller could write), unless `VANGUARD_OPS_ENDPOINTS=open` says an operator's own
 * proxy or network guards them. Anyone else gets the same 404 as for a path that does not exist.
 * Plain Node request and response, so it works under any Nest HTTP adapter.
 */
export function operatorEndpointsGuard(env: NodeJS.ProcessEnv = process.env) {
  const open = env['VANGUARD_OPS_ENDPOINTS'] === 'open';
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const url = req.originalUrl ?? req.url ?? '/';
    if (open || !OPERATOR_PATH.test(url) || isLoopback(req.socket.remoteAddress)) {
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

import type { NextFunction, Request, Response } from 'express';

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
 */
export function operatorEndpointsGuard(env: NodeJS.ProcessEnv = process.env) {
  const open = env['VANGUARD_OPS_ENDPOINTS'] === 'open';
  return (req: Request, res: Response, next: NextFunction): void => {
    if (open || !OPERATOR_PATH.test(req.originalUrl ?? req.url) || isLoopback(req.socket.remoteAddress)) {
      next();
      return;
    }
    res.status(404).json({
      statusCode: 404,
      code: 'RESOURCE.NOT_FOUND',
      message: `Cannot ${req.method} ${req.path}`,
    });
  };
}

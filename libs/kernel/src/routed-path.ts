/**
 * A request's path as Express 5 matches it against its routes: the router compares without case,
 * and a percent-escape or a doubled slash can still reach a handler (`w1%2F` as an id). So any rule
 * that must hold for a route — which callers may reach it, which requests leave no log line — reads
 * the path through this one spelling: query and fragment dropped, percent-decoded, lower-cased,
 * repeated slashes collapsed. Undecodable text is judged as written (the router refuses it anyway).
 */
export function routedPath(url: string): string {
  const raw = url.split(/[?#]/)[0] ?? '';
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw path is still folded and judged below
  }
  return path.toLowerCase().replace(/\/{2,}/g, '/');
}

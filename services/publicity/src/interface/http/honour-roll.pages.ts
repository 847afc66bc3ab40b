import { MAX_PAGE_LIMIT, MAX_PAGE_OFFSET, type RenderedJson } from '@vanguard/http';

/** The two public listings of the roll. */
export type RollListing = 'roll' | 'history';

/** How the roll is cached by others: keep it, but ask again every time (the ETag makes that a 304). */
export const ROLL_CACHE_CONTROL = 'public, no-cache';
export const DEFAULT_ROLL_LIMIT = 50;

/** The ETag of a listing at a roll version: every change moves the version, so it names the content. */
export const rollEtag = (what: RollListing, version: string): string => `W/"${what}-${version}"`;

/**
 * Rendered pages of the current roll version, in memory: a page is read and serialised once per
 * version, then sent as text. A newer version empties the cache (old pages are never sent again);
 * a page read under an older version than the newest seen is not kept. Bounded, oldest out first.
 */
export class HonourRollPages {
  private readonly pages = new Map<string, RenderedJson>();
  private version = -1n;

  constructor(private readonly max = 500) {}

  get(what: RollListing, version: string, limit: number, offset: number): RenderedJson | undefined {
    return BigInt(version) === this.version ? this.pages.get(`${what}|${limit}|${offset}`) : undefined;
  }

  put(what: RollListing, version: string, limit: number, offset: number, page: RenderedJson): RenderedJson {
    const v = BigInt(version);
    if (v > this.version) {
      this.pages.clear();
      this.version = v;
    }
    if (v < this.version) return page;
    this.pages.set(`${what}|${limit}|${offset}`, page);
    if (this.pages.size > this.max) this.pages.delete(this.pages.keys().next().value!);
    return page;
  }
}

/**
 * limit and offset from a query string exactly as the controller's PaginationQuery accepts them,
 * or undefined for anything else (an unknown or repeated key, a bad number): the fast path then
 * leaves the request to the controller, whose validation answers 400 naming the field.
 */
export function rollPage(query: string | undefined): { limit: number; offset: number } | undefined {
  const params = new URLSearchParams(query ?? '');
  let limit = DEFAULT_ROLL_LIMIT;
  let offset = 0;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length !== 1 || !/^\d{1,7}$/.test(values[0]!)) return undefined;
    const n = Number(values[0]);
    if (key === 'limit' && n >= 1 && n <= MAX_PAGE_LIMIT) limit = n;
    else if (key === 'offset' && n <= MAX_PAGE_OFFSET) offset = n;
    else return undefined;
  }
  return { limit, offset };
}

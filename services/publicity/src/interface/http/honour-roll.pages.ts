import { MAX_PAGE_LIMIT, MAX_PAGE_OFFSET, prepareJson, type PreparedJson, type RenderedJson } from '@vanguard/http';

/** The two public listings of the roll. */
export type RollListing = 'roll' | 'history';

/** How the roll is cached by others: keep it, but ask again every time (the ETag makes that a 304). */
export const ROLL_CACHE_CONTROL = 'public, no-cache';
export const DEFAULT_ROLL_LIMIT = 50;

/** The ETag of a listing at a roll version: every change moves the version, so it names the content. */
export const rollEtag = (what: RollListing, version: string): string => `W/"${what}-${version}"`;

/**
 * Rendered pages of the current roll version, in memory: a page is read and serialised once per
 * version, then kept as the bytes and headers it is sent with (prepareJson), so a hit neither
 * serialises, encodes nor measures it again. A newer version empties the cache (old pages are
 * never sent again); a page read under an older version than the newest seen is not kept.
 * Bounded by count and by the bytes it holds, oldest out first: anyone may ask for any limit and
 * offset, and stories are long (a hundred 5 KB stories make a 500 KB page), so a count alone let
 * the pages of one version grow to hundreds of megabytes. A page larger than the whole budget is
 * sent, not kept. Each listing's 304 answer at the current version is kept too (no page needed).
 */
export class HonourRollPages {
  private readonly pages = new Map<string, PreparedJson>();
  private readonly unchanged = new Map<RollListing, PreparedJson>();
  private version = -1n;
  private versionText = '';
  private held = 0;

  constructor(
    private readonly max = 500,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  /** Bytes of rendered text held (UTF-8). */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.pages.size;
  }

  get(what: RollListing, version: string, limit: number, offset: number): PreparedJson | undefined {
    return version === this.versionText ? this.pages.get(`${what}|${limit}|${offset}`) : undefined;
  }

  /** The 304 answer (ETag, no bytes) of a listing at a version, made once per version. */
  notModified(what: RollListing, version: string): PreparedJson {
    const known = this.unchanged.get(what);
    if (known && known.etag === rollEtag(what, version)) return known;
    const made = prepareJson(rollEtag(what, version), undefined, ROLL_CACHE_CONTROL);
    if (version === this.versionText) this.unchanged.set(what, made);
    return made;
  }

  put(what: RollListing, version: string, limit: number, offset: number, page: RenderedJson): PreparedJson {
    const v = BigInt(version);
    if (v > this.version) {
      this.pages.clear();
      this.unchanged.clear();
      this.held = 0;
      this.version = v;
      this.versionText = String(v);
    }
    const prepared = prepareJson(page.etag, page.body, ROLL_CACHE_CONTROL);
    const size = prepared.bytes!.length;
    if (v < this.version || size > this.maxBytes) return prepared;
    const key = `${what}|${limit}|${offset}`;
    this.evict(key);
    this.pages.set(key, prepared);
    this.held += size;
    while (this.pages.size > this.max || this.held > this.maxBytes) this.evict(this.pages.keys().next().value!);
    return prepared;
  }

  private evict(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.held -= page.bytes!.length;
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

import { renderJson } from '@vanguard/http';
import { AheadOfRouterProbe, withTrustedProxies } from '@vanguard/http/testing';
import { HonourRollFastPath } from './honour-roll.fast-path';
import { HonourRollPages, rollEtag, rollPage } from './honour-roll.pages';
import { HonourRollRateLimiter } from './honour-roll-rate-limiter';

describe('honour roll fast path', () => {
  let version: string | undefined;
  let pages: HonourRollPages;
  let fast: HonourRollFastPath;
  let receipts: { logged: unknown[]; observed: unknown[] };

  let probe: AheadOfRouterProbe;
  const request = (url: string, headers: Record<string, string> = {}, method = 'GET') => probe.request(url, headers, method);

  beforeEach(() => {
    version = '7';
    pages = new HonourRollPages();
    receipts = { logged: [], observed: [] };
    fast = new HonourRollFastPath({ current: () => version }, pages, new HonourRollRateLimiter(3, () => 0), {
      log: (line) => receipts.logged.push(line),
      observe: (...args) => receipts.observed.push(args),
    });
    probe = new AheadOfRouterProbe((req, res) => fast.answer(req, res));
  });

  it('answers a page rendered at the current version, and leaves a page of an older version to the controller', () => {
    pages.put('roll', '7', 50, 0, renderJson({ items: ['王红梅'] }, rollEtag('roll', '7')));
    expect(request('/honour-roll')).toEqual({ status: 200, body: '{"items":["王红梅"]}' });
    // The data changed: the version moved, so the cached text is not sent again (a naive cache would).
    version = '8';
    expect(request('/honour-roll')).toBe('controller');
  });

  it('answers 304 to a client holding the current version, and a full page to one holding an older one', () => {
    expect(request('/honour-roll?limit=20', { 'if-none-match': 'W/"roll-7"' })).toEqual({ status: 304, body: undefined });
    expect(request('/honour-roll?limit=20', { 'if-none-match': 'W/"roll-6"' })).toBe('controller');
    expect(request('/honour-roll/history', { 'if-none-match': 'W/"roll-7"' })).toBe('controller');
  });

  it('takes the per-address budget; once spent, the controller answers (429 in the platform shape)', () => {
    pages.put('roll', '7', 50, 0, renderJson({ items: [] }, rollEtag('roll', '7')));
    expect([request('/honour-roll'), request('/honour-roll'), request('/honour-roll')].map((r) => typeof r)).toEqual([
      'object',
      'object',
      'object',
    ]);
    expect(request('/honour-roll')).toBe('controller');
  });

  it('leaves the request to the controller while the version is unknown, or for a query only it can judge', () => {
    pages.put('roll', '7', 50, 0, renderJson({ items: [] }, rollEtag('roll', '7')));
    for (const url of [
      '/honour-roll?limit=0',
      '/honour-roll?limit=50&limit=50',
      '/honour-roll?x=1',
      '/honour-roll?offset=-1',
      '/honour-rolls',
    ])
      expect(request(url)).toBe('controller');
    expect(request('/honour-roll', {}, 'HEAD')).toBe('controller');
    version = undefined;
    expect(request('/honour-roll')).toBe('controller');
  });

  it('echoes the correlation id and records the access line and the metric the skipped layers would have', () => {
    pages.put('roll', '7', 50, 0, renderJson({ items: [] }, rollEtag('roll', '7')));
    request('/honour-roll', { 'x-correlation-id': 'abc-1' });
    request('/honour-roll/history', { 'if-none-match': 'W/"history-7"', 'x-correlation-id': 'bad id!' });
    expect(probe.sent[0]!['x-correlation-id']).toBe('abc-1');
    // An id the logger would refuse is replaced, as correlationIdFor does.
    expect(probe.sent[1]!['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(probe.sent[1]!['etag']).toBe('W/"history-7"');
    expect(receipts.logged).toEqual([
      expect.objectContaining({ correlationId: 'abc-1', method: 'GET', url: '/honour-roll', remoteAddress: '10.0.0.1', statusCode: 200 }),
      expect.objectContaining({ url: '/honour-roll/history', statusCode: 304 }),
    ]);
    expect(receipts.observed).toEqual([
      ['/honour-roll', 200, expect.any(Number)],
      ['/honour-roll/history', 304, expect.any(Number)],
    ]);
  });

  // Behind a trusted proxy the socket is the proxy's for every reader (ADR 0149): the line names whom the budget was taken from.
  it.each([
    ['10.0.0.1', '203.0.113.7'],
    [undefined, '10.0.0.1'],
  ])('WhenTheTrustedProxiesAre_%s_TheLineNamesTheClientAs_%s', async (trusted, client) => {
    pages.put('roll', '7', 50, 0, renderJson({ items: [] }, rollEtag('roll', '7')));
    await withTrustedProxies(trusted, () => request('/honour-roll', { 'x-forwarded-for': '203.0.113.7' }));
    expect(receipts.logged).toEqual([expect.objectContaining({ remoteAddress: '10.0.0.1', client })]);
  });

  it('parses pages as the controller does, defaults included', () => {
    expect(rollPage(undefined)).toEqual({ limit: 50, offset: 0 });
    expect(rollPage('limit=200&offset=1000000')).toEqual({ limit: 200, offset: 1_000_000 });
    expect(rollPage('limit=201')).toBeUndefined();
  });

  it('keeps pages of the newest version only', () => {
    pages.put('roll', '8', 50, 0, renderJson({}, rollEtag('roll', '8')));
    // A page read under an older version (a slow read racing a change) is not kept.
    pages.put('roll', '7', 20, 0, renderJson({}, rollEtag('roll', '7')));
    expect(pages.get('roll', '7', 20, 0)).toBeUndefined();
    expect(pages.get('roll', '8', 50, 0)).toBeDefined();
    pages.put('roll', '9', 20, 0, renderJson({}, rollEtag('roll', '9')));
    expect(pages.get('roll', '8', 50, 0)).toBeUndefined();
  });

  it('holds no more rendered bytes than its budget, whatever pages are asked for, and counts them exactly', () => {
    // Random page sizes and keys (repeats included): the budget holds after every put, and the
    // running count equals the bytes of what is actually held.
    const budget = 64 * 1024;
    const bounded = new HonourRollPages(500, budget);
    const held = new Map<string, number>();
    let seed = 20261130;
    const random = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
    for (let i = 0; i < 2_000; i++) {
      const limit = 1 + random(100);
      const offset = random(40);
      const story = '先进事迹'.repeat(random(3_000));
      const page = renderJson({ items: [story] }, rollEtag('roll', '1'));
      bounded.put('roll', '1', limit, offset, page);
      held.set(`${limit}|${offset}`, Buffer.byteLength(page.body));
      expect(bounded.bytes).toBeLessThanOrEqual(budget);
    }
    let actual = 0;
    for (const [key, bytes] of held) {
      const [limit, offset] = key.split('|').map(Number) as [number, number];
      if (bounded.get('roll', '1', limit, offset)) actual += bytes;
    }
    expect(bounded.bytes).toBe(actual);
    expect(bounded.size).toBeGreaterThan(0);
    // A page larger than the whole budget is answered but not kept.
    const huge = renderJson({ items: ['长'.repeat(budget)] }, rollEtag('roll', '1'));
    expect(bounded.put('roll', '1', 100, 99, huge).bytes?.toString('utf8')).toBe(huge.body);
    expect(bounded.get('roll', '1', 100, 99)).toBeUndefined();
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderJson } from '@vanguard/http';
import type { HonourRollVersion } from '../../infrastructure/honour-roll/honour-roll-version';
import { HonourRollFastPath } from './honour-roll.fast-path';
import { HonourRollPages, rollEtag, rollPage } from './honour-roll.pages';
import { HonourRollRateLimiter } from './honour-roll-rate-limiter';

describe('honour roll fast path', () => {
  let version: string | undefined;
  let pages: HonourRollPages;
  let fast: HonourRollFastPath;

  const request = (url: string, headers: Record<string, string> = {}) => {
    const res = { statusCode: 0, body: undefined as string | undefined, setHeader: () => undefined, end: (b?: string) => (res.body = b) };
    let passedOn = false;
    fast.use(
      { method: 'GET', url, headers, socket: { remoteAddress: '10.0.0.1' } } as unknown as IncomingMessage,
      res as unknown as ServerResponse,
      () => {
        passedOn = true;
      },
    );
    return passedOn ? 'controller' : { status: res.statusCode, body: res.body };
  };

  beforeEach(() => {
    version = '7';
    pages = new HonourRollPages();
    fast = new HonourRollFastPath({ current: () => version } as unknown as HonourRollVersion, pages, new HonourRollRateLimiter(3, () => 0));
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
    version = undefined;
    expect(request('/honour-roll')).toBe('controller');
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
});

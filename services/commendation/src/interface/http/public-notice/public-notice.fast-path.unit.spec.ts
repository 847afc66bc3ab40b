import { renderJson } from '@vanguard/http';
import { AheadOfRouterProbe, withTrustedProxies } from '@vanguard/http/testing';
import type { PublicNotice } from '../../../application/public-notice/public-notice-read-model.port';
import type { RenderedNotice } from '../../../application/public-notice/public-notice.queries';
import { PublicRateLimiter } from '../../../infrastructure/public-notice/public-rate-limiter';
import { PublicNoticeFastPath } from './public-notice.fast-path';

const PROGRAMME = '6f1c2a70-1b2c-4d3e-8f40-5a6b7c8d9e0f';

describe('public notice fast path', () => {
  let held: Map<string, RenderedNotice | null>;
  let fast: PublicNoticeFastPath;
  let receipts: { logged: unknown[]; observed: unknown[] };
  let probe: AheadOfRouterProbe;
  const request = (url: string, headers: Record<string, string> = {}, method = 'GET') => probe.request(url, headers, method);

  beforeEach(() => {
    held = new Map();
    receipts = { logged: [], observed: [] };
    const limits = { readsPerAddressPerMinute: 3, objectionsPerAddressPerHour: 1, objectionsPerNoticePerMinute: 1 };
    fast = new PublicNoticeFastPath({ cached: (id) => held.get(id) }, new PublicRateLimiter(limits, () => 0), {
      log: (line) => receipts.logged.push(line),
      observe: (...args) => receipts.observed.push(args),
    });
    probe = new AheadOfRouterProbe((req, res) => fast.answer(req, res));
  });

  const notice = (names: string[]) => renderJson({ entries: names.map((name) => ({ name })) } as unknown as PublicNotice);

  it('answers a notice held in memory with its text and ETag, and 304 to a client holding that ETag', () => {
    const rendered = notice(['张明']);
    held.set(PROGRAMME, rendered);
    expect(request(`/public-notices/${PROGRAMME}`)).toEqual({ status: 200, body: rendered.body });
    expect(probe.sent[0]).toMatchObject({ etag: rendered.etag, 'cache-control': 'public, max-age=5' });
    // Any case of the id, as the controller's UUID pipe accepts it.
    expect(request(`/public-notices/${PROGRAMME.toUpperCase()}`, { 'if-none-match': rendered.etag })).toEqual({
      status: 304,
      body: undefined,
    });
  });

  it('sends the text held now, not one prepared for an earlier render (a withdrawn entry is gone)', () => {
    held.set(PROGRAMME, notice(['张明', '李华']));
    request(`/public-notices/${PROGRAMME}`);
    const after = notice(['张明']);
    held.set(PROGRAMME, after);
    expect(request(`/public-notices/${PROGRAMME}`)).toEqual({ status: 200, body: after.body });
  });

  it('leaves misses, known absences, other paths and methods to the controller', () => {
    expect(request(`/public-notices/${PROGRAMME}`)).toBe('controller');
    held.set(PROGRAMME, null);
    expect(request(`/public-notices/${PROGRAMME}`)).toBe('controller');
    held.set(PROGRAMME, notice([]));
    for (const url of ['/public-notices/not-a-uuid', `/public-notices/${PROGRAMME}/objections`, `/programmes/${PROGRAMME}`])
      expect(request(url)).toBe('controller');
    expect(request(`/public-notices/${PROGRAMME}`, {}, 'POST')).toBe('controller');
    expect(request(`/public-notices/${PROGRAMME}`, {}, 'HEAD')).toBe('controller');
  });

  it('takes the per-address budget; once spent, the controller answers (429 in the platform shape)', () => {
    held.set(PROGRAMME, notice([]));
    const answers = [1, 2, 3, 4].map(() => request(`/public-notices/${PROGRAMME}`));
    expect(answers.map((a) => (a === 'controller' ? a : a.status))).toEqual([200, 200, 200, 'controller']);
  });

  it('echoes the correlation id and records the access line and the metric the skipped layers would have', () => {
    const rendered = notice([]);
    held.set(PROGRAMME, rendered);
    request(`/public-notices/${PROGRAMME}`, { 'x-correlation-id': 'abc-1' });
    request(`/public-notices/${PROGRAMME}?x=1`, { 'if-none-match': rendered.etag, 'x-correlation-id': 'bad id!' });
    expect(probe.sent[0]!['x-correlation-id']).toBe('abc-1');
    expect(probe.sent[1]!['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(receipts.logged).toEqual([
      expect.objectContaining({
        correlationId: 'abc-1',
        method: 'GET',
        url: `/public-notices/${PROGRAMME}`,
        remoteAddress: '10.0.0.1',
        statusCode: 200,
      }),
      expect.objectContaining({ url: `/public-notices/${PROGRAMME}?x=1`, statusCode: 304 }),
    ]);
    expect(receipts.observed).toEqual([
      ['/public-notices/:programmeId', 200, expect.any(Number)],
      ['/public-notices/:programmeId', 304, expect.any(Number)],
    ]);
  });

  // Behind a trusted proxy the socket is the proxy's for every reader (ADR 0149): the line names whom the budget was taken from.
  it.each([
    ['10.0.0.1', '203.0.113.7'],
    [undefined, '10.0.0.1'],
  ])('WhenTheTrustedProxiesAre_%s_TheLineNamesTheClientAs_%s', async (trusted, client) => {
    held.set(PROGRAMME, notice([]));
    await withTrustedProxies(trusted, () => request(`/public-notices/${PROGRAMME}`, { 'x-forwarded-for': '203.0.113.7' }));
    expect(receipts.logged).toEqual([expect.objectContaining({ remoteAddress: '10.0.0.1', client })]);
  });
});

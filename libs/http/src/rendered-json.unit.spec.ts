import type { IncomingMessage, ServerResponse } from 'node:http';
import { etagMatches, prepareJson, renderJson, sendPreparedJson, sendRenderedJson } from './rendered-json';

function fakeResponse() {
  const headers: Record<string, unknown> = {};
  const res = {
    statusCode: 0,
    body: undefined as string | undefined,
    headers,
    setHeader: (k: string, v: unknown) => (headers[k.toLowerCase()] = v),
    end: (b?: string) => (res.body = b),
  };
  return res;
}

describe('rendered JSON pages', () => {
  it('renders once, with a strong hash of the text unless an ETag is given', () => {
    const a = renderJson({ n: 1 });
    expect(a.body).toBe('{"n":1}');
    expect(a.etag).toMatch(/^"[\w-]{27}"$/);
    expect(renderJson({ n: 2 }).etag).not.toBe(a.etag);
    expect(renderJson({ n: 1 }, 'W/"roll-7"').etag).toBe('W/"roll-7"');
  });

  it('matches If-None-Match weakly, in lists and with *', () => {
    expect(etagMatches('W/"roll-7"', 'W/"roll-7"')).toBe(true);
    expect(etagMatches('"roll-7"', 'W/"roll-7"')).toBe(true);
    expect(etagMatches('"x", W/"roll-7"', '"roll-7"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('W/"roll-6"', 'W/"roll-7"')).toBe(false);
    expect(etagMatches(undefined, '"a"')).toBe(false);
  });

  it('answers 304 without a body to a client holding the ETag, else 200 with the text', () => {
    const page = renderJson({ items: ['光荣'] }, 'W/"roll-3"');
    const held = fakeResponse();
    sendRenderedJson(
      { headers: { 'if-none-match': 'W/"roll-3"' } } as IncomingMessage,
      held as unknown as ServerResponse,
      page,
      'public, no-cache',
    );
    expect([held.statusCode, held.body, held.headers['etag']]).toEqual([304, undefined, 'W/"roll-3"']);
    const fresh = fakeResponse();
    sendRenderedJson({ headers: {} } as IncomingMessage, fresh as unknown as ServerResponse, page, 'public, no-cache');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toBe(page.body);
    expect(fresh.headers['content-length']).toBe(Buffer.byteLength(page.body));
    expect(fresh.headers['cache-control']).toBe('public, no-cache');
  });

  it('sends a prepared page with its bytes measured once, extra headers first, and 304 from an ETag alone', () => {
    const page = renderJson({ items: ['光荣'] }, 'W/"roll-3"');
    const prepared = prepareJson(page.etag, page.body, 'public, no-cache');
    const heads: [number, string[]][] = [];
    const ends: unknown[] = [];
    const res = {
      writeHead: (s: number, h: string[]) => heads.push([s, h]),
      end: (b?: Buffer) => ends.push(b),
    } as unknown as ServerResponse;
    expect(sendPreparedJson({ headers: {} } as IncomingMessage, res, prepared, ['x-correlation-id', 'c-1'])).toBe(true);
    expect(heads[0]).toEqual([
      200,
      [
        'x-correlation-id',
        'c-1',
        'Cache-Control',
        'public, no-cache',
        'ETag',
        'W/"roll-3"',
        'Content-Type',
        'application/json; charset=utf-8',
        'Content-Length',
        String(Buffer.byteLength(page.body)),
      ],
    ]);
    expect((ends[0] as Buffer).toString('utf8')).toBe(page.body);
    const etagOnly = prepareJson('W/"roll-3"', undefined, 'public, no-cache');
    expect(sendPreparedJson({ headers: { 'if-none-match': 'W/"roll-3"' } } as IncomingMessage, res, etagOnly)).toBe(true);
    expect(heads[1]).toEqual([304, ['Cache-Control', 'public, no-cache', 'ETag', 'W/"roll-3"']]);
    // Without the page, a client that does not hold the ETag cannot be answered: nothing is sent.
    expect(sendPreparedJson({ headers: { 'if-none-match': 'W/"roll-2"' } } as IncomingMessage, res, etagOnly)).toBe(false);
    expect(heads).toHaveLength(2);
  });
});

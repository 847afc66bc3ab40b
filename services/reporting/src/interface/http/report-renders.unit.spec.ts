import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LongWork, TooManyRequestsException } from '@vanguard/http';
import { waitUntil } from '@vanguard/testing';
import { RenderCancelled } from '../../infrastructure/export/export-renderer';
import { QueryStopped } from '../../infrastructure/stoppable-query';
import { attachment, reportRenders, sendRendered } from './report-renders';

/** Far more than loopback's socket buffers take while the client reads nothing: the send must wait on the client. */
const FILE = Buffer.alloc(32 * 1024 * 1024, 7);

describe(sendRendered.name, () => {
  let server: http.Server;
  let work: LongWork;
  let url: string;
  const outcomes: string[] = [];

  beforeEach(async () => {
    work = new LongWork();
    const renders = reportRenders(work);
    server = http.createServer((_req, res) => {
      sendRendered(renders, 'county.organizer', res, { type: 'application/pdf', name: '松岭旗.pdf' }, () => Promise.resolve(FILE), {
        stallMs: 60_000,
      }).then(
        () => outcomes.push('sent'),
        (e: unknown) => {
          outcomes.push(e instanceof TooManyRequestsException ? '429' : String(e));
          res.statusCode = e instanceof TooManyRequestsException ? 429 : 500;
          res.end();
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    outcomes.length = 0;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** A download whose client reads its first bytes and then nothing more, without leaving. */
  const stalled = () =>
    new Promise<http.ClientRequest>((resolve) => {
      const req = http.get(url, (res) =>
        res.once('data', () => {
          res.pause();
          resolve(req);
        }),
      );
    });

  it('WhileAClientHoldsADownloadUnread_ItsPlaceStaysTaken_AndIsFreedWhenItLeaves', async () => {
    const held = [await stalled(), await stalled()];
    // Both past their first bytes, neither file handed to its socket yet: both places taken.
    expect(work.active).toBe(2);
    const third = await fetch(url);
    expect(third.status).toBe(429);
    expect(outcomes).toEqual(['429']);
    held[0]!.destroy();
    await waitUntil('the abandoned download’s place to come back', () => work.active === 1);
    held[1]!.destroy();
    await waitUntil('every place to come back', () => work.active === 0);
  });

  it('WhenTheClientReadsToTheEnd_ThePlaceIsHeldUntilTheLastByteAndThenFreed', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('松岭旗.pdf'));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(FILE.length);
    await waitUntil('the place to come back once sent', () => work.active === 0 && outcomes.includes('sent'));
  });
});

describe(`${sendRendered.name} for a HEAD`, () => {
  it('AnswersTheTypeAndNameAGetWouldWithoutRenderingAnything_AndGivesThePlaceBack', async () => {
    const work = new LongWork();
    const renders = reportRenders(work);
    const rendered: string[] = [];
    const server = http.createServer((req, res) => {
      void sendRendered(renders, 'county.organizer', res, { type: 'application/pdf', name: '松岭旗.pdf' }, () => {
        rendered.push(req.method!);
        return Promise.resolve(Buffer.from('%PDF-1.7'));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const head = await fetch(url, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-type'), head.headers.get('content-disposition')]).toEqual([
        200,
        'application/pdf',
        attachment('松岭旗.pdf'),
      ]);
      expect(rendered).toEqual([]);
      const get = await fetch(url);
      expect([get.status, Buffer.from(await get.arrayBuffer()).toString()]).toEqual([200, '%PDF-1.7']);
      expect(rendered).toEqual(['GET']);
      await waitUntil('every place to come back', () => work.active === 0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe(`${sendRendered.name} when the client leaves before its file is made`, () => {
  let server: http.Server;
  let work: LongWork;
  let url: string;
  const seen: string[] = [];
  /** What the next request's render does with its signal. */
  let render: (signal: AbortSignal) => Promise<Buffer>;
  /** Whether the server waits for its client to leave before it sends. */
  let leftFirst: boolean;

  beforeEach(async () => {
    work = new LongWork();
    const renders = reportRenders(work);
    seen.length = 0;
    leftFirst = false;
    server = http.createServer((_req, res) => {
      seen.push('asked');
      // As the controller's own lookups before it: the client may be gone by the time they end.
      const looked = leftFirst ? new Promise((resolve) => res.once('close', resolve)) : Promise.resolve();
      void looked
        .then(() =>
          sendRendered(renders, 'county.organizer', res, { type: 'application/pdf' }, (signal) => {
            seen.push('rendering');
            signal.addEventListener('abort', () => seen.push('aborted'));
            return render(signal);
          }),
        )
        .then(
          () => seen.push(`returned, ${res.headersSent ? 'answered' : 'nothing answered'}`),
          (e: unknown) => seen.push(`threw ${String(e)}`),
        );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** A request whose client leaves once its render has begun. */
  const leaveWhileRendering = async () => {
    const req = http.get(url);
    req.on('error', () => undefined);
    await waitUntil('the render to begin', () => seen.includes('rendering'));
    expect(work.active).toBe(1);
    req.destroy();
  };

  it('AWaitingRenderIsCancelled_ItsPlaceFreedAtOnce_AndNothingAnswered', async () => {
    // As the renderer does with a job still waiting for its thread.
    render = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new RenderCancelled())));
    await leaveWhileRendering();
    await waitUntil('the place to come back', () => work.active === 0);
    expect(seen).toEqual(['asked', 'rendering', 'aborted', 'returned, nothing answered']);
  });

  it('AReadOfItsFiguresCancelledByTheLeaving_FreesItsPlaceAtOnce_AndNothingAnswered', async () => {
    // As a stoppable query does with a workbook's level or a summary's figures: its statement cancelled.
    render = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new QueryStopped('cancelled'))));
    await leaveWhileRendering();
    await waitUntil('the place to come back', () => work.active === 0);
    expect(seen).toEqual(['asked', 'rendering', 'aborted', 'returned, nothing answered']);
  });

  it('AReadThatTimesOut_IsStillAnError_EvenWhenTheClientHasLeft', async () => {
    render = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new QueryStopped('timeout'))));
    await leaveWhileRendering();
    await waitUntil('the send to end', () => seen.some((s) => s.startsWith('threw') || s.startsWith('returned')));
    expect(seen).toEqual(['asked', 'rendering', 'aborted', 'threw Error: query stopped: timeout']);
    expect(work.active).toBe(0);
  });

  it('AClientGoneBeforeTheSendBegins_CostsNoRender', async () => {
    leftFirst = true;
    render = () => Promise.resolve(FILE);
    const req = http.get(url);
    req.on('error', () => undefined);
    await waitUntil('the request to arrive', () => seen.includes('asked'));
    req.destroy();
    await waitUntil('the send to end', () => seen.some((s) => s.startsWith('returned')));
    expect(seen).toEqual(['asked', 'returned, nothing answered']);
    expect(work.active).toBe(0);
  });

  it('ARenderThatFinishesAnyway_IsThrownAway_AndItsPlaceFreed', async () => {
    // As the renderer does with a job a thread had taken: made, then not sent.
    let finish: (b: Buffer) => void = () => undefined;
    render = () => new Promise((resolve) => (finish = resolve));
    await leaveWhileRendering();
    await waitUntil('the leaving to be seen', () => seen.includes('aborted'));
    expect(work.active).toBe(1);
    finish(FILE);
    await waitUntil('the place to come back', () => work.active === 0);
    expect(seen).toEqual(['asked', 'rendering', 'aborted', 'returned, nothing answered']);
  });
});

describe(attachment.name, () => {
  it('attachment_WhenTheNameHoldsCharactersRfc5987LeavesOut_PercentEncodesThem', () => {
    const header = attachment("第一支部(筹)'s*!.pdf");
    const value = header.slice("attachment; filename*=UTF-8''".length);
    // RFC 5987 attr-char: ALPHA / DIGIT / "!" "#" "$" "&" "+" "-" "." "^" "_" "`" "|" "~"; RFC 8187 drops "!" too.
    expect(value).toMatch(/^(?:[A-Za-z0-9#$&+\-.^_`|~]|%[0-9A-F]{2})+$/);
    expect(value).toContain('%28%E7%AD%B9%29');
    expect(decodeURIComponent(value)).toBe("第一支部(筹)'s*!.pdf");
  });
});

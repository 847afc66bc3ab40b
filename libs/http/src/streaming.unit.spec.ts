import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpException } from '@nestjs/common';
import express from 'express';
import { waitUntil } from '@vanguard/testing';
import { receiveUpload, streamBody } from './streaming';

/** A plain Node server whose only route writes the body with receiveUpload under `shutdown`'s signal. */
describe(receiveUpload.name, () => {
  let dir: string;
  let server: Server;
  let port: number;
  const shutdown = new AbortController();
  const file = () => join(dir, 'vanguard-import-upload.csv');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'receive-upload-'));
    server = createServer((req, res) => {
      receiveUpload(req, file(), { maxBytes: 1024 * 1024, idleMs: 60_000, deadlineMs: 60_000, signal: shutdown.signal }).then(
        () => res.writeHead(201).end(),
        (e: unknown) =>
          res.writeHead(e instanceof HttpException ? e.getStatus() : 500).end(JSON.stringify((e as HttpException).getResponse?.())),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 and deletes the partial file when the lease is told to stop mid-upload', async () => {
    let answer: { status: number; body: string } | undefined;
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'Content-Length': 100_000 } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (answer = { status: res.statusCode!, body }));
    });
    req.on('error', () => undefined);
    req.write('org_code,name\n');
    await waitUntil('the upload to reach the disk', () => existsSync(file()));

    shutdown.abort();

    const res = await waitUntil('the upload to be answered', () => answer, { timeoutMs: 5_000 });
    req.destroy();
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'SERVICE.SHUTTING_DOWN' });
    expect(existsSync(file())).toBe(false);
  });
});

describe(`${receiveUpload.name} behind the app's body parsers`, () => {
  it.each([
    ['application/json', '{"org_code":"x"}'],
    ['application/x-www-form-urlencoded', 'org_code=x'],
  ])('answers 415 naming the type for a %s body the parser already read, and leaves no file', async (type, body) => {
    const dir = await mkdtemp(join(tmpdir(), 'receive-upload-parsed-'));
    const file = join(dir, 'upload.csv');
    const app = express();
    app.use(express.json(), express.urlencoded({ extended: false }));
    app.post('/', (req, res) => {
      receiveUpload(req, file, { maxBytes: 1024, idleMs: 60_000, deadlineMs: 60_000 }).then(
        () => res.status(201).end(),
        (e: HttpException) => res.status(e.getStatus()).json(e.getResponse()),
      );
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((r) => server.once('listening', r));
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': type }, body });
      expect({ status: res.status, body: await res.json() }).toMatchObject({
        status: 415,
        body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'content-type' }] },
      });
      expect(existsSync(file)).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe(streamBody.name, () => {
  it('sends through a response the platform already watches without passing its listener limit (a leak warning per download)', async () => {
    // Every answer carries 'close' listeners of the platform's own before its body: metrics, the
    // body deadline, graceful shutdown, the download's place. Node's pipeline adds seven more, and
    // Node warns of a leak once a response holds more than its limit (Jest hides the warning itself).
    const seen: { listeners: number; limit: number }[] = [];
    const server = createServer((_req, res) => {
      for (let i = 0; i < 4; i++) res.once('close', () => undefined);
      async function* body() {
        yield await Promise.resolve('a\n');
        seen.push({ listeners: res.listenerCount('close'), limit: res.getMaxListeners() });
        yield 'b\n';
      }
      void streamBody(res, body(), { stallMs: 1_000 });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', path: '/' }, (res) => {
          let got = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (got += c))
            .on('end', () => resolve(got));
        });
        req.on('error', reject);
        req.end();
      });
      expect(text).toBe('a\nb\n');
      expect(seen).toHaveLength(1);
      // The pipeline's own listeners were there while the body was sent, and still within the limit.
      expect(seen[0]!.listeners).toBeGreaterThan(4);
      expect(seen[0]!.listeners).toBeLessThanOrEqual(seen[0]!.limit);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('answers a HEAD with the status and headers a GET gets and produces nothing past the first chunk, then serves the GET in full', async () => {
    const made: string[][] = [];
    const outcomes: string[] = [];
    const server = createServer((req, res) => {
      const mine: string[] = [];
      made.push(mine);
      async function* producer() {
        try {
          for (const c of ['first\n', 'second\n', 'third\n']) {
            mine.push(c);
            yield await Promise.resolve(c);
          }
        } finally {
          mine.push('ended');
        }
      }
      res.setHeader('content-type', 'text/csv');
      void streamBody(res, producer(), { stallMs: 1_000 }).then((o) => outcomes.push(`${req.method} ${o}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const ask = (method: string) =>
      new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', path: '/', method }, (res) => {
          let body = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (body += c))
            .on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await ask('HEAD')).toEqual({ status: 200, type: 'text/csv', body: '' });
      expect(await ask('GET')).toEqual({ status: 200, type: 'text/csv', body: 'first\nsecond\nthird\n' });
      await waitUntil('both streamBody calls to end', () => outcomes.length === 2);
      expect(made).toEqual([
        ['first\n', 'ended'],
        ['first\n', 'second\n', 'third\n', 'ended'],
      ]);
      expect(outcomes).toEqual(['HEAD head', 'GET sent']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('ends the producer it was given when the signal is already aborted once the first chunk is made', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const held = { taken: 0, released: 0 };
    const outcomes: string[] = [];
    server.on('request', (_req, res) => {
      async function* producer() {
        held.taken++; // a cursor or a connection, taken before the first chunk
        try {
          yield await Promise.resolve('first\n');
          yield 'second\n';
        } finally {
          held.released++;
        }
      }
      void streamBody(res, producer(), { stallMs: 1_000, signal: AbortSignal.abort(new Error('shutting down')) }).then((o) =>
        outcomes.push(o),
      );
    });
    try {
      for (let i = 0; i < 5; i++)
        await new Promise<void>((resolve) => {
          const req = request({ port, host: '127.0.0.1', path: '/' }, (res) => res.resume().on('close', resolve));
          req.on('error', () => resolve());
          req.end();
        });
      await waitUntil('every streamBody to end', () => outcomes.length === 5);
      expect(outcomes).toEqual(Array(5).fill('aborted'));
      expect(held).toEqual({ taken: 5, released: 5 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

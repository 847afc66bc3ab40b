import { spawn } from 'node:child_process';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { installGracefulShutdown } from './graceful-shutdown';
import { LongWork } from './long-work';

// The shutdown on a real loopback server, with the process left alone: the signal is emitted on
// `process` (a name nothing else listens to) and `process.exit` is recorded, not run.
const SIGNAL = 'SIGWINCH' as NodeJS.Signals;

describe('installGracefulShutdown', () => {
  let server: Server;
  let exits: number[];
  let closedApp: boolean;
  let answerAfterMs: number | undefined;

  beforeEach(async () => {
    exits = [];
    closedApp = false;
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code ?? 0)) as never);
    server = createServer((_req, res) => {
      // An ordinary request still being answered when the signal comes (a command committing).
      if (answerAfterMs !== undefined) setTimeout(() => res.end('done'), answerAfterMs);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const app = { getHttpServer: () => server, close: () => Promise.resolve(void (closedApp = true)) } as unknown as INestApplication;
    installGracefulShutdown(app, { deadlineMs: 4_000, longWork: new LongWork(), signals: [SIGNAL] });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    server.closeAllConnections();
    server.close();
  });

  const port = () => (server.address() as AddressInfo).port;
  const exited = () =>
    new Promise<number>((resolve) => {
      const poll = setInterval(() => exits.length && (clearInterval(poll), resolve(exits[0]!)), 10);
    });

  it('lets a request already being answered finish, then closes the application and exits 0', async () => {
    answerAfterMs = 1_500;
    const answered = new Promise<{ status: number; body: string; exitsSoFar: number }>((resolve, reject) =>
      get({ port: port(), path: '/slow' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, exitsSoFar: exits.length }));
      }).on('error', reject),
    );
    await new Promise<void>((r) => server.once('request', () => r()));
    process.emit(SIGNAL, SIGNAL);
    // Answered in full, before the exit: the old shutdown cut it after a second.
    expect(await answered).toEqual({ status: 200, body: 'done', exitsSoFar: 0 });
    expect(await exited()).toBe(0);
    expect(closedApp).toBe(true);
  });

  it('does not wait past half the deadline for a request that never ends: it is cut and the process exits 0', async () => {
    answerAfterMs = undefined;
    const cut = new Promise<string>((resolve) => get({ port: port(), path: '/never' }).on('error', (e) => resolve(e.message)));
    await new Promise<void>((r) => server.once('request', () => r()));
    const t0 = Date.now();
    process.emit(SIGNAL, SIGNAL);
    expect(await exited()).toBe(0);
    expect(await cut).toMatch(/socket hang up|ECONNRESET/);
    // Half the deadline (2 s) for requests, a moment for the sockets, well inside the deadline.
    expect(Date.now() - t0).toBeLessThan(4_000);
  });
});

describe('installGracefulShutdown in a process signalled twice', () => {
  it('answers the request in flight and exits 0: the second SIGTERM does not kill it', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../test/shutdown-child.ts')], {
      env: { ...process.env, SLOW_MS: '1500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on('exit', (code, signal) => r({ code, signal })),
    );
    let out = '';
    const line = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const look = () => {
          const m = pattern.exec(out);
          if (!m) return;
          child.stdout.off('data', onData);
          resolve(m);
        };
        const onData = (c: Buffer) => {
          out += c.toString();
          look();
        };
        child.stdout.on('data', onData);
        look();
      });
    try {
      const port = Number((await line(/port (\d+)/))[1]);
      const answered = new Promise<string>((resolve, reject) =>
        get({ port, path: '/slow' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', (e) => reject(e)),
      );
      await line(/request/);
      child.kill('SIGTERM');
      // The second signal once the first has been taken (the shutdown is running), as an impatient operator sends it.
      await line(/shutting down/);
      child.kill('SIGTERM');
      expect(await answered).toBe('done');
      expect(await exit).toEqual({ code: 0, signal: null });
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

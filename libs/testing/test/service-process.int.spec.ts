import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { asServiceProcess, freePort, listensOn, whenReady, type ServiceProcess } from '../src';

// whenReady over real processes and sockets: tiny Node children stand in for a service's main.ts,
// and a server in this process plays the stranger that took the port the service was given.

/** A child Node process running `script` with PORT set, wrapped as spawnService wraps a service. */
const child = (name: string, port: number, script: string): ServiceProcess =>
  asServiceProcess(
    name,
    port,
    spawn(process.execPath, ['-e', script], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );

/** What `/health/ready` on PORT answers in the children that serve it. */
const READY_SERVER = `require('node:http')
  .createServer((req, res) => { res.statusCode = req.url === '/health/ready' ? 200 : 404; res.end(); })
  .listen(Number(process.env.PORT), '127.0.0.1');`;

describe(whenReady.name, () => {
  let stranger: Server;
  let strangersPort: number;
  const started: ServiceProcess[] = [];
  const start = (name: string, port: number, script: string) => {
    const s = child(name, port, script);
    started.push(s);
    return s;
  };

  beforeAll(async () => {
    stranger = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    strangersPort = (stranger.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(started.map((s) => s.exited));
    await new Promise((resolve) => stranger.close(resolve));
  });

  it('rejects a service that died binding its port (EADDRINUSE), though another process answers 200 there', async () => {
    const sut = start('dies-on-bind', strangersPort, READY_SERVER);
    // Its death is settled first, so the outcome does not depend on which comes first.
    expect(await sut.exited).toBe(1);
    expect(sut.output()).toContain('EADDRINUSE');

    await expect(whenReady(sut, 10_000)).rejects.toThrow(/dies-on-bind exited \(1\) before it was ready; another process answers/);
  });

  it('rejects a running service whose port another process holds and answers on', async () => {
    // Alive, never bound: the 200 is the stranger's.
    const sut = start('never-binds', strangersPort, 'setInterval(() => {}, 1000);');

    await expect(whenReady(sut, 10_000)).rejects.toThrow(`never-binds does not hold port ${strangersPort}`);
    expect(sut.child.exitCode).toBeNull();
  });

  it('resolves once the service itself answers 200 on its own port', async () => {
    const port = await freePort();
    const sut = start('serves', port, READY_SERVER);

    await expect(whenReady(sut, 20_000)).resolves.toBeUndefined();
    expect(listensOn(sut.child.pid!, port)).toBe(true);
    expect(listensOn(process.pid, port)).toBe(false);
  });
});

describe(asServiceProcess.name, () => {
  it('keeps every stderr line and every pino error from the start, whole, past the 20,000-character tail', async () => {
    // A stderr line first, then a pino error written in two pieces, then far more than the tail of
    // info records and a stdout line that is not JSON.
    const script = `
      const info = JSON.stringify({ level: 30, msg: 'x'.repeat(200) }) + '\\n';
      process.stderr.write('[audit] checkpoint of evaluation not published: connection refused\\n');
      process.stdout.write('{"level":50,"msg":"first ');
      setTimeout(() => {
        process.stdout.write('half then 二半"}\\n');
        for (let i = 0; i < 200; i++) process.stdout.write(info);
        process.stdout.write('plain stdout text\\n{"level":60,"msg":"fatal"}\\n');
        process.stderr.write('last words without a newline');
      }, 50);`;
    const sut = child('talks', 0, script);

    expect(await sut.exited).toBe(0);
    // 'exit' may come before the pipes are drained.
    await sut.outputRead;

    // Two pipes: the order between them is the order they arrived in.
    expect([...sut.errorLines()].sort()).toEqual(
      [
        '[audit] checkpoint of evaluation not published: connection refused',
        '{"level":50,"msg":"first half then 二半"}',
        '{"level":60,"msg":"fatal"}',
        'last words without a newline',
      ].sort(),
    );
    expect(sut.output()).not.toContain('checkpoint of evaluation');
    expect(sut.output().length).toBe(20_000);
  });
});

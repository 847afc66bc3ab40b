import 'reflect-metadata';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import { waitUntil } from '@vanguard/testing';
import { HealthModule, httpProbe, postgresProbe, READINESS_TIMEOUT_MS, type ReadinessProbe } from './health';

const listening = async <S extends Server | HttpServer>(server: S): Promise<S & { port: number }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
};

async function appWith(
  probes: () => ReadinessProbe[],
  options: { cacheMs?: number } = {},
): Promise<{ app: INestApplication; ready: () => Promise<Response> }> {
  @Module({ imports: [HealthModule.register({ useFactory: probes, ...options })] })
  class App {}
  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, ready: () => fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4 * READINESS_TIMEOUT_MS) }) };
}

describe(HealthModule.name, () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    jest.restoreAllMocks();
  });

  it('WhenPostgresAcceptsAndThenGoesSilent_AnswersDownNamingPostgres_WithinTheProbeBound', async () => {
    // Completes the handshake (AuthenticationOk, ReadyForQuery), then never answers a query.
    const sockets = new Set<Socket>();
    const silent = await listening(
      createServer((socket) => {
        sockets.add(socket);
        socket.once('data', () => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49])));
      }),
    );
    closers.push(() => new Promise((resolve) => silent.close(resolve)));
    const pool = new Pool({ connectionString: `postgres://u:p@127.0.0.1:${silent.port}/db`, max: 2, connectionTimeoutMillis: 3000 });
    pool.on('error', () => undefined);
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await pool.end().catch(() => undefined);
    });
    const { app, ready } = await appWith(() => [postgresProbe(() => pool.query('select 1'))]);
    closers.push(() => app.close());

    const started = Date.now();
    const res = await ready();

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'error',
      info: {},
      error: { postgres: { status: 'down' } },
      details: { postgres: { status: 'down' } },
    });
    expect(Date.now() - started).toBeLessThan(2 * READINESS_TIMEOUT_MS);
  });

  it('WhenManyCallersAskAtOnce_ChecksEachDependencyOnce', async () => {
    let hits = 0;
    const held: (() => void)[] = [];
    const jwks = await listening(
      createHttpServer((_req, res) => {
        hits++;
        held.push(() => res.writeHead(200).end('{"keys":[]}'));
      }),
    );
    closers.push(() => new Promise((resolve) => jwks.close(resolve)));
    // A long cache so a slow machine cannot let the last callers in after it lapsed (its lapse: readiness.unit).
    const { app, ready } = await appWith(() => [httpProbe('keycloak', `http://127.0.0.1:${jwks.port}/certs`)], { cacheMs: 60_000 });
    closers.push(() => app.close());

    const answers = Array.from({ length: 50 }, () => ready());
    await waitUntil('the check to reach Keycloak', () => held.length > 0);
    held.splice(0).forEach((answer) => answer());
    const statuses = await Promise.all(answers.map(async (r) => (await r).status));
    const again = await ready();

    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(again.status).toBe(200);
    expect(hits).toBe(1);
  });

  it('WhenADependencyIsDown_NamesItUpOrDownOnly_AndLogsTheReason', async () => {
    const keycloak = await listening(createHttpServer((_req, res) => res.writeHead(500).end()));
    closers.push(() => new Promise((resolve) => keycloak.close(resolve)));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { app, ready } = await appWith(() => [
      { name: 'postgres', check: () => Promise.resolve() },
      httpProbe('keycloak', `http://127.0.0.1:${keycloak.port}/certs`),
    ]);
    closers.push(() => app.close());

    const res = await ready();
    const body = await res.text();

    expect(res.status).toBe(503);
    expect(JSON.parse(body)).toEqual({
      status: 'error',
      info: { postgres: { status: 'up' } },
      error: { keycloak: { status: 'down' } },
      details: { postgres: { status: 'up' }, keycloak: { status: 'down' } },
    });
    expect(body).not.toContain(String(keycloak.port));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`127.0.0.1:${keycloak.port}/certs answered 500`));
  });
});

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerAheadOfRouter } from './ahead-of-router';

const get = (server: Server, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });

describe('answerAheadOfRouter', () => {
  let server: Server;
  let reachedFramework: string[];

  beforeEach(async () => {
    reachedFramework = [];
    // Stands for Express: the listener the server was made with.
    server = createServer((req, res) => {
      reachedFramework.push(req.url ?? '');
      res.end('framework');
    });
    answerAheadOfRouter(server, (req, res) => {
      if (req.url === '/broken') throw new Error('a bug in the fast path');
      if (req.url !== '/roll') return false;
      res.end('ahead');
      return true;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('answers what it takes without the framework ever seeing it, and passes everything else on untouched', async () => {
    expect(await get(server, '/roll')).toEqual({ status: 200, body: 'ahead' });
    expect(reachedFramework).toEqual([]);
    expect(await get(server, '/articles')).toEqual({ status: 200, body: 'framework' });
    expect(reachedFramework).toEqual(['/articles']);
    expect(server.listenerCount('request')).toBe(1);
  });

  it('leaves a request that carries a body to the framework, where the body has its clock', async () => {
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/roll', method: 'GET', headers: { 'content-length': '2' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(200);
    expect(reachedFramework).toEqual(['/roll']);
  });

  it('when the fast path throws before writing, leaves the request to the framework instead of crashing the process', async () => {
    expect(await get(server, '/broken')).toEqual({ status: 200, body: 'framework' });
    expect(reachedFramework).toEqual(['/broken']);
  });
});

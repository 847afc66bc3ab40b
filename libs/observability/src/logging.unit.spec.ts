import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions } from './logging.module';

/** The request logger as configured, writing to a captured stream instead of stdout. */
describe('request logging', () => {
  const lines: string[] = [];
  let server: Server;
  const send = (method: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('{}');
    });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const log = pinoHttp({ ...pinoHttpOptions, level: 'info' }, sink);
    server = createServer((req, res) => {
      log(req, res);
      res.statusCode = req.url?.includes('ballots') ? 201 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes no line with the caller’s address, port or time for a ballot, and still logs other requests', async () => {
    const windowId = '5f0c6a52-2f1e-4d7e-9b7a-3c1d2e4f5a6b';
    for (const path of [
      `/mass-evaluations/${windowId}/ballots`,
      `/mass-evaluations/${windowId}/ballots/`,
      `/mass-evaluations/${windowId}/ballots?x=1`,
    ])
      await send('POST', path);
    await send('GET', `/mass-evaluations/${windowId}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((l) => l.includes('/ballots'))).toEqual([]);
    expect(lines.filter((l) => l.includes('127.0.0.1'))).toHaveLength(1);
    expect(lines[0]).toContain(`/mass-evaluations/${windowId}`);
  });
});

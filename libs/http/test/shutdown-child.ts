// A process running installGracefulShutdown on a real server with a request that takes
// SLOW_MS to answer; prints its port, then the test signals it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { installGracefulShutdown } from '../src/graceful-shutdown';
import { LongWork } from '../src/long-work';

const slowMs = Number(process.env['SLOW_MS'] ?? 1500);
const server = createServer((_req, res) => {
  process.stdout.write('request\n');
  setTimeout(() => res.end('done'), slowMs);
});
const app = { getHttpServer: () => server, close: () => Promise.resolve() } as unknown as INestApplication;
installGracefulShutdown(app, { deadlineMs: 10_000, longWork: new LongWork() });
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));

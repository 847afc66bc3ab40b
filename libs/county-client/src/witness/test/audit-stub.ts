import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forkedLog } from './forked-logs';

/** What the stub answers to one `GET …/checkpoint`: a fork's checkpoint of `size`, or an outage. */
export type StubRound = { fork: string; size: number } | 'unavailable';

/**
 * A hostile audit service for witness tests: it answers the checkpoint calls from `rounds` in
 * order (a split view when two rounds name two forks), the last one again once they run out.
 */
export async function auditStub(rounds: readonly StubRound[]): Promise<{ url: string; calls(): number; close(): Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => (
      res.writeHead(status, { 'content-type': 'application/json' }),
      res.end(JSON.stringify(body))
    );
    if (req.url?.endsWith('/checkpoint')) {
      const round = rounds[Math.min(calls++, rounds.length - 1)];
      if (!round || round === 'unavailable') return json(503, { message: 'restarting' });
      return json(200, { checkpoint: forkedLog(round.fork).checkpoint(round.size) });
    }
    if (req.url?.endsWith('/cosignatures')) return json(200, { witnessed: false, cosignedBy: [], quorum: 2 });
    return json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

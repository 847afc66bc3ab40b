// The load generator of bench/evaluation/run.ts: keep-alive HTTP calls, closed-loop clients,
// percentiles, and the CPU the service process spent (comparable however busy the machine is).
import { Agent, request } from 'node:http';
import { processCpuMs } from '../shared/process-cpu';

export interface Figure {
  readonly name: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly serviceCpuMsPerRequest?: number;
}

export function percentile(samples: readonly number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
export const closeAgent = () => agent.destroy();

export function call(
  port: number,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          ...(token && { authorization: `Bearer ${token}` }),
          ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux); 0 without a pid. */
export function cpuMs(pid: number): number {
  return pid ? processCpuMs(pid) : 0;
}

/**
 * `concurrency` clients, each running `client` in a loop until `seconds` (after one second of
 * warm-up) have passed. `client` times its own requests through `sample` (a client may send
 * several requests per loop, as a pledge's lifecycle does); samples in the warm-up are dropped.
 */
export async function closedLoop(
  name: string,
  concurrency: number,
  seconds: number,
  servicePid: number,
  client: (loop: number, sample: (ms: number, ok: boolean) => void) => Promise<void>,
  /** Requests that start in this first stretch are not counted: the service warming up. */
  warmUpMs = 1000,
): Promise<Figure> {
  const samples: number[] = [];
  let errors = 0;
  let sent = 0;
  const cpuBefore = cpuMs(servicePid);
  const warmUntil = performance.now() + warmUpMs;
  const endAt = warmUntil + seconds * 1000;
  let firstSample = 0;
  let loop = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endAt) {
        await client(loop++, (ms, ok) => {
          sent++;
          if (!ok) errors++;
          const at = performance.now() - ms;
          if (at < warmUntil) return;
          if (!firstSample) firstSample = at;
          samples.push(ms);
        });
      }
    }),
  );
  const elapsed = (performance.now() - (firstSample || warmUntil)) / 1000;
  const cpu = cpuMs(servicePid) - cpuBefore;
  return {
    name,
    concurrency,
    requests: samples.length,
    perSecond: Math.round(samples.length / elapsed),
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    maxMs: Math.round(samples.reduce((m, x) => (x > m ? x : m), 0)),
    errors,
    ...(servicePid && sent ? { serviceCpuMsPerRequest: Math.round((cpu / sent) * 100) / 100 } : {}),
  };
}

/** Waits until the service a bench spawned answers ready on `port`; kills it after 120 s or if it exits. */
export async function untilReady(child: import('node:child_process').ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    if (
      await call(port, 'GET', '/health/ready', null).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the service was not ready within 120 s');
}

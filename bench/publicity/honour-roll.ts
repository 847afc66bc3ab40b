// bench:publicity — the public honour roll under load, plain and conditional (If-None-Match → 304),
// against a running service (default http://127.0.0.1:3005; start it with PUBLICITY_HONOUR_ROLL_RPM
// high enough, the per-address limit applies to this client too).
//
//   node -r @swc-node/register bench/publicity/honour-roll.ts [--url http://127.0.0.1:3005] [--seconds 10] [--connections 32]
import http from 'node:http';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const base = new URL(arg('url', 'http://127.0.0.1:3005'));
const seconds = Number(arg('seconds', '10'));
const connections = Number(arg('connections', '32'));
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers['etag'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(label: string, headers: Record<string, string>, expected: number): Promise<void> {
  const latencies: number[] = [];
  let wrong = 0;
  const until = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const t = process.hrtime.bigint();
      const { status } = await get('/honour-roll?limit=50', headers);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (status !== expected) wrong++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  process.stdout.write(
    `${label}: ${(latencies.length / seconds).toFixed(0)} req/s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, ${wrong} not ${expected} (${connections} connections, ${seconds} s)\n`,
  );
}

void (async () => {
  const first = await get('/honour-roll?limit=50');
  if (first.status !== 200 || !first.etag) throw new Error(`honour roll answered ${first.status}`);
  await run('plain (200)', {}, 200);
  await run('conditional (304)', { 'If-None-Match': first.etag }, 304);
  agent.destroy();
})();

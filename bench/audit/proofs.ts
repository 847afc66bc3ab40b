/**
 * Proof-core benchmarks of the audit log (issue 12), in memory, no database:
 *   npm run bench:audit [-- --json] [--quick] [--leaves 1000000] [--streams 100000] [--proofs 20000]
 *
 * 1. Tree catch-up: events' canonical texts (≈ 600 bytes, like the store's) appended to the log
 *    in global order — leaf hash, tree, stream heads; target ≥ 200,000 leaves/s. Shown three ways:
 *    the compact range alone (root only, O(log n) memory), the log with the stored chain hash
 *    handed in (what the service reads beside each text), and the log computing the chain itself.
 * 2. A checkpoint over all stream heads: stream-map build and Ed25519 signature.
 * 3. Inclusion proofs from the in-memory tree: p50 / p99 per proof; target p99 ≤ 5 ms.
 * 4. Offline verification of inclusion proofs (what vanguard-verify does per event); target ≥ 10,000 proofs/s.
 * 5. An evidence bundle of one 1,000-event stream: write and verify, events/s.
 * The figures that need the stores and the service are service.ts's; run.ts runs both (npm run bench:audit).
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  bundleStream,
  CompactRange,
  EvidenceBundleWriter,
  leafHash,
  NoteSigner,
  openCheckpoint,
  TransparencyLog,
  verifyBundle,
  verifyInclusion,
} from '@vanguard/transparency-log';

const argv = process.argv.slice(2);
const arg = (n: string, d: string): string => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const JSON_OUT = argv.includes('--json');
const QUICK = argv.includes('--quick');
const LEAVES = Number(arg('leaves', QUICK ? '100000' : '1000000'));
const STREAMS = Number(arg('streams', String(Math.max(1, Math.floor(LEAVES / 10)))));
const PROOFS = Number(arg('proofs', QUICK ? '5000' : '20000'));
const log = (s: string): void => {
  (JSON_OUT ? process.stderr : process.stdout).write(`${s}\n`);
};

// One template with the store's key order; ids and numbers vary per event.
const PAD = '组织生活会 民主评议 '.repeat(12);
function eventText(i: number): { text: string; stream: string; version: number } {
  const s = i % STREAMS;
  const stream = `pledge-${s.toString(36).padStart(6, '0')}`;
  const version = Math.floor(i / STREAMS) + 1;
  const text =
    `{"actor":{"orgId":"org-910425","roles":["organizer"],"sub":"user-${i % 977}"},"causationId":"c-${i}","correlationId":"r-${i}",` +
    `"data":{"note":"${PAD}","score":${i % 100}},"eventId":"00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}",` +
    `"occurredAt":"2026-11-30T01:00:00.000Z","orgId":"org-910425","recordedAt":"2026-11-30T01:00:00.000Z",` +
    `"streamId":"${stream}","streamVersion":${version},"type":"evaluation.PledgeFiled","version":1}`;
  return { text, stream, version };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (x: number, d = 0): number => Number(x.toFixed(d));
/** Wall and CPU time since `start()`: on a shared machine the CPU rate is the steadier figure. */
function clock(): { wallS: () => number; cpuS: () => number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    wallS: () => (performance.now() - wall) / 1000,
    cpuS: () => {
      const d = process.cpuUsage(cpu);
      return (d.user + d.system) / 1e6;
    },
  };
}
/** Records `<name>PerSecond` (wall) and `<name>PerCpuSecond`, and returns the line's figures. */
function rate(figures: Record<string, number>, name: string, count: number, c: ReturnType<typeof clock>): string {
  figures[`${name}PerSecond`] = round(count / c.wallS());
  figures[`${name}PerCpuSecond`] = round(count / c.cpuS());
  return `${figures[`${name}PerSecond`]} (${figures[`${name}PerCpuSecond`]} per CPU second)`;
}
let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const rssTimer = setInterval(sampleRss, 50);

async function main(): Promise<void> {
  const figures: Record<string, number> = {};
  log(`bench:audit proofs — ${LEAVES.toLocaleString('en')} leaves over ${STREAMS.toLocaleString('en')} streams, ${PROOFS} proofs`);

  // 1a. compact range only
  let c = clock();
  const range = CompactRange.empty();
  for (let i = 0; i < LEAVES; i++) range.append(leafHash(eventText(i).text));
  range.root();
  log(`catch-up, compact range only (leaves/s)          ${rate(figures, 'catchUpCompactLeaves', LEAVES, c)}`);

  // 1b. full log, chain hash handed in: the service reads it from the store's hash column (its value does not change the speed)
  {
    const stored = 'ab'.repeat(32);
    c = clock();
    const given = new TransparencyLog('bench.example/log');
    for (let i = 0; i < LEAVES; i++) given.append({ ...eventText(i), hash: stored });
    log(`catch-up, log with stored chain hash (leaves/s)  ${rate(figures, 'catchUpLogLeaves', LEAVES, c)}`);
    sampleRss();
  }

  // 1c. full log computing the chain too (the tree kept for proofs below)
  c = clock();
  const sut = new TransparencyLog('bench.example/log');
  for (let i = 0; i < LEAVES; i++) sut.append(eventText(i));
  log(`catch-up, log computing the chain (leaves/s)     ${rate(figures, 'catchUpLogWithChainLeaves', LEAVES, c)}`);
  sampleRss();

  // 2. checkpoint
  const signer = new NoteSigner('bench.example/log', Buffer.alloc(32, 1));
  const t = performance.now();
  const checkpoint = sut.checkpoint(signer);
  figures['checkpointMs'] = round(performance.now() - t, 1);
  // The service signs on a schedule; this is the stream-map build, one hash per stream.
  log(`checkpoint incl. stream map of ${STREAMS} (ms)      ${figures['checkpointMs']}`);
  const body = openCheckpoint(checkpoint.text, [signer.verifier]).body;

  // 3. inclusion proof latency
  const indices = Array.from({ length: PROOFS }, (_, i) => Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * LEAVES));
  const latencies: number[] = [];
  const proofs: Buffer[][] = [];
  for (const i of indices) {
    const s = performance.now();
    proofs.push(sut.inclusionProof(i, body.size));
    latencies.push(performance.now() - s);
  }
  latencies.sort((a, b) => a - b);
  figures['inclusionProofP50Ms'] = round(percentile(latencies, 50), 4);
  figures['inclusionProofP99Ms'] = round(percentile(latencies, 99), 4);
  log(`inclusion proof p50 / p99 (ms)                   ${figures['inclusionProofP50Ms']} / ${figures['inclusionProofP99Ms']}`);

  // 4. offline verification
  const leaves = indices.map((i) => leafHash(eventText(i).text));
  c = clock();
  let failed = 0;
  for (let k = 0; k < indices.length; k++) if (!verifyInclusion(indices[k]!, body.size, leaves[k]!, proofs[k]!, body.root).ok) failed++;
  const verifyLine = rate(figures, 'offlineVerifyProofs', indices.length, c);
  if (failed) throw new Error(`${failed} proofs did not verify`);
  log(`offline verification (proofs/s)                  ${verifyLine}`);

  // 5. a bundle of one 1,000-event stream, written and verified
  const small = new TransparencyLog('bench.example/log');
  const texts: string[] = [];
  for (let v = 1; v <= 1000; v++) {
    const text = eventText(v * STREAMS).text.replace(
      /"streamId":"[^"]*","streamVersion":\d+/,
      `"streamId":"pledge-one","streamVersion":${v}`,
    );
    texts.push(text);
    small.append({ text, stream: 'pledge-one', version: v });
    small.append(eventText(v));
  }
  const cp = small.checkpoint(signer);
  c = clock();
  const writer = new EvidenceBundleWriter({ key: signer.verifier, checkpoint: cp.text });
  const chunks: Buffer[] = [];
  writer.output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(writer.output, 'end');
  await writer.addStream(bundleStream(small, cp.body.size, 'pledge-one', texts));
  await writer.finish();
  await ended;
  const writeLine = rate(figures, 'bundleWriteEvents', 1000, c);
  const tgz = Buffer.concat(chunks);
  c = clock();
  const report = await verifyBundle(tgz, { trustedKeys: [signer.verifier] });
  log(
    `bundle of 1,000 events, ${tgz.length} bytes: write ${writeLine}, verify ${rate(figures, 'bundleVerifyEvents', report.events, c)} events/s`,
  );

  sampleRss();
  clearInterval(rssTimer);
  figures['peakRssMb'] = round(peakRss / 2 ** 20);
  log(`peak RSS (MB)                                    ${figures['peakRssMb']}`);
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ leaves: LEAVES, streams: STREAMS, proofs: PROOFS, ...figures })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

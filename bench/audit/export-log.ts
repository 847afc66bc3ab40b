/**
 * Exporting the whole log through the audit service (issue 12: 1,000,000 events ≥ 100,000
 * events/s): GET /transparency/evaluation/export-log downloaded to a file as a client would, its
 * events from the response's own header, then the bundle checked offline by the lib's verifier
 * from that file — the figure an auditor sees at each end. The log is caught up first (a
 * checkpoint), so the download measures the export, not the in-memory log's catch-up after start.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { verifyBundle } from '@vanguard/transparency-log';
import { call } from '../evaluation/http-load';

export interface ExportLogFigure {
  readonly events: number;
  readonly bytes: number;
  /** The first checkpoint after start: the service's log reads the whole store into memory. */
  readonly catchUpMs: number;
  readonly exportMs: number;
  readonly exportPerSec: number;
  readonly exportMbPerSec: number;
  readonly serviceCpuMsPerMillionEvents: number;
  readonly verifyMs: number;
  readonly verifyPerSec: number;
  readonly verified: boolean;
}

export async function exportLogFigure(port: number, token: string, serviceCpuMs: () => number): Promise<ExportLogFigure> {
  let t = performance.now();
  const checkpoint = await call(port, 'GET', '/transparency/evaluation/checkpoint', token);
  if (checkpoint.status !== 200) throw new Error(`checkpoint answered ${checkpoint.status} ${checkpoint.body.slice(0, 300)}`);
  const catchUpMs = performance.now() - t;
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-log-'));
  const file = join(dir, 'log.tgz');
  try {
    const cpu0 = serviceCpuMs();
    t = performance.now();
    const events = await new Promise<number>((resolve, reject) => {
      const req = get(
        { host: '127.0.0.1', port, path: '/transparency/evaluation/export-log', headers: { authorization: `Bearer ${token}` } },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`export-log answered ${res.statusCode}`));
            return;
          }
          pipeline(res, createWriteStream(file)).then(() => resolve(Number(res.headers['x-vanguard-events'])), reject);
        },
      );
      req.on('error', reject);
    });
    const exportMs = performance.now() - t;
    const cpu = serviceCpuMs() - cpu0;
    const bytes = statSync(file).size;
    t = performance.now();
    const report = await verifyBundle(createReadStream(file, { highWaterMark: 1 << 20 }), { allowDevelopmentKey: true });
    const verifyMs = performance.now() - t;
    return {
      events,
      bytes,
      catchUpMs: Math.round(catchUpMs),
      exportMs: Math.round(exportMs),
      exportPerSec: Math.round((events * 1000) / exportMs),
      exportMbPerSec: Math.round(bytes / 1024 / 1024 / (exportMs / 1000)),
      serviceCpuMsPerMillionEvents: Math.round((cpu * 1_000_000) / Math.max(events, 1)),
      verifyMs: Math.round(verifyMs),
      verifyPerSec: Math.round((report.events * 1000) / verifyMs),
      verified: report.events === events && report.wholeLog !== undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkSummary } from '../../domain/work-summary';

interface Job {
  readonly id: number;
  readonly summary: WorkSummary;
  readonly resolve: (pdf: Buffer) => void;
  readonly reject: (e: Error) => void;
}

interface Lane {
  readonly worker: Worker;
  job?: Job;
}

/** Why a render did not finish: the renderer stopped, or its thread failed. */
export class PdfRenderError extends Error {}

// The worker runs the service's TypeScript as the service itself runs (node -r @swc-node/register),
// the hook resolved from here: an eval'd worker resolves modules from the working directory.
const BOOT = `require(${JSON.stringify(createRequire(__filename).resolve('@swc-node/register'))}); require(${JSON.stringify(
  join(__dirname, 'summary-pdf.worker.ts'),
)});`;

/**
 * Work summaries rendered to PDF on worker threads, not on the request thread: a province's
 * summary takes 150–260 ms of CPU in PDFKit (font subsetting above all), and on the event loop
 * every dashboard request waited behind it. Its threads (one by default: each holds about 80 MB)
 * start at the first render and are kept; jobs wait in order for a free one (the controller's
 * render slots bound how many are asked at once). A thread that fails fails its job and is
 * replaced; `close` ends them all.
 */
export class PdfRenderer {
  private readonly lanes: Lane[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly threads = 1) {}

  render(summary: WorkSummary): Promise<Buffer> {
    if (this.closed) return Promise.reject(new PdfRenderError('the PDF renderer has stopped'));
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, summary, resolve, reject });
      this.dispatch();
    });
  }

  /** Nest's shutdown hook: the service's threads end with it. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new PdfRenderError('the PDF renderer has stopped'));
    await Promise.all(this.lanes.splice(0).map((lane) => this.end(lane, 'the PDF renderer has stopped')));
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const job = this.waiting[0]!;
      try {
        const lane = this.lanes.find((l) => !l.job) ?? (this.lanes.length < this.threads ? this.start() : undefined);
        if (!lane) return;
        this.waiting.shift();
        lane.job = job;
        try {
          lane.worker.postMessage({ id: job.id, summary: job.summary });
        } catch (e) {
          lane.job = undefined;
          throw e;
        }
      } catch (e) {
        // A summary that cannot be copied to a thread, or a thread that cannot start: this job
        // fails, the next ones still get their turn (and every caller's render slot is released).
        if (this.waiting[0] === job) this.waiting.shift();
        job.reject(
          new PdfRenderError(`PDF 生成失败 / the PDF could not be handed to its thread: ${e instanceof Error ? e.message : String(e)}`),
        );
      }
    }
  }

  private start(): Lane {
    const lane: Lane = { worker: new Worker(BOOT, { eval: true }) };
    lane.worker.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const job = lane.job;
      if (!job || job.id !== m.id) return;
      lane.job = undefined;
      if (m.pdf) job.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
      else job.reject(new PdfRenderError(`PDF 生成失败 / the PDF could not be rendered: ${m.error}`));
      this.dispatch();
    });
    const failed = (reason: string) => {
      if (!this.lanes.includes(lane)) return;
      this.lanes.splice(this.lanes.indexOf(lane), 1);
      lane.job?.reject(new PdfRenderError(`PDF 生成失败 / the PDF renderer's thread ${reason}`));
      lane.job = undefined;
      void lane.worker.terminate();
      if (!this.closed) this.dispatch();
    };
    lane.worker.on('error', (e) => failed(`failed: ${e.message}`));
    lane.worker.on('exit', (code) => failed(`exited (${code})`));
    this.lanes.push(lane);
    return lane;
  }

  private async end(lane: Lane, reason: string): Promise<void> {
    lane.job?.reject(new PdfRenderError(reason));
    lane.job = undefined;
    await lane.worker.terminate();
  }
}

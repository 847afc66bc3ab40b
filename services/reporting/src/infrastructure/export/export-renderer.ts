import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Period } from '../../domain/period';
import type { WorkSummary } from '../../domain/work-summary';
import type { WorkbookLevel } from './statistics-workbook';

/** What a thread renders: a work summary as PDF or .docx, or a statistics workbook. */
export type RenderJob =
  | { readonly kind: 'pdf'; readonly input: WorkSummary }
  | { readonly kind: 'docx'; readonly input: WorkSummary }
  | { readonly kind: 'xlsx'; readonly input: WorkbookInput };

export interface WorkbookInput {
  readonly orgName: string;
  readonly period: Period;
  readonly levels: readonly WorkbookLevel[];
  readonly omitted?: { readonly title: string; readonly organisations: number; readonly maxRows: number };
}

const NAMES: Readonly<Record<RenderJob['kind'], string>> = { pdf: 'PDF', docx: 'Word 文档 / .docx', xlsx: '统计表 / workbook' };

interface Job {
  readonly id: number;
  readonly render: RenderJob;
  readonly resolve: (file: Buffer) => void;
  readonly reject: (e: Error) => void;
}

interface Lane {
  readonly worker: Worker;
  job?: Job;
}

/** Why a render did not finish: the renderer stopped, or its thread failed. */
export class RenderError extends Error {}

/** Its caller left while it waited for a thread: taken out of the queue, never rendered. */
export class RenderCancelled extends Error {
  constructor() {
    super('the render was cancelled before a thread took it');
  }
}

// The worker runs the service's TypeScript as the service itself runs (node -r @swc-node/register),
// the hook resolved from here: an eval'd worker resolves modules from the working directory.
const BOOT = `require(${JSON.stringify(createRequire(__filename).resolve('@swc-node/register'))}); require(${JSON.stringify(
  join(__dirname, 'export.worker.ts'),
)});`;

/**
 * Downloads rendered on worker threads, not on the request thread: a province's summary takes
 * 150–260 ms of CPU in PDFKit (font subsetting above all), a statistics workbook at its row
 * limit about a second in ExcelJS, and on the event loop every dashboard request waited behind
 * them (ADR 0086). Its threads (one by default: each holds about 80 MB)
 * start at the first render and are kept; jobs wait in order for a free one (the controller's
 * render slots bound how many are asked at once). A thread that fails fails its job and is
 * replaced; `close` ends them all.
 */
export class ExportRenderer {
  private readonly lanes: Lane[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly threads = 1) {}

  pdf(summary: WorkSummary, signal?: AbortSignal): Promise<Buffer> {
    return this.run({ kind: 'pdf', input: summary }, signal);
  }

  docx(summary: WorkSummary, signal?: AbortSignal): Promise<Buffer> {
    return this.run({ kind: 'docx', input: summary }, signal);
  }

  workbook(input: WorkbookInput, signal?: AbortSignal): Promise<Buffer> {
    return this.run({ kind: 'xlsx', input }, signal);
  }

  /** Jobs waiting for a free thread. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * `signal` aborted while the job waits for a thread takes it out of the queue (RenderCancelled):
   * the file of a caller who left is not made. A job a thread has taken runs to its end: ending
   * the thread would cost more than the file (a new one boots for about a second and holds ~80 MB).
   */
  private run(render: RenderJob, signal?: AbortSignal): Promise<Buffer> {
    if (this.closed) return Promise.reject(new RenderError('the renderer has stopped'));
    if (signal?.aborted) return Promise.reject(new RenderCancelled());
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { id: this.nextId++, render, resolve, reject };
      this.waiting.push(job);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.waiting.indexOf(job);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(new RenderCancelled());
        },
        { once: true },
      );
      this.dispatch();
    });
  }

  /** Nest's shutdown hook: the service's threads end with it. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new RenderError('the renderer has stopped'));
    await Promise.all(this.lanes.splice(0).map((lane) => this.end(lane, 'the renderer has stopped')));
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
          lane.worker.postMessage({ id: job.id, ...job.render });
        } catch (e) {
          lane.job = undefined;
          throw e;
        }
      } catch (e) {
        // A summary that cannot be copied to a thread, or a thread that cannot start: this job
        // fails, the next ones still get their turn (and every caller's render slot is released).
        if (this.waiting[0] === job) this.waiting.shift();
        job.reject(
          new RenderError(
            `${NAMES[job.render.kind]} 生成失败 / it could not be handed to its thread: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
      }
    }
  }

  private start(): Lane {
    const lane: Lane = { worker: new Worker(BOOT, { eval: true }) };
    lane.worker.on('message', (m: { id: number; file?: Uint8Array; error?: string }) => {
      const job = lane.job;
      if (!job || job.id !== m.id) return;
      lane.job = undefined;
      if (m.file) job.resolve(Buffer.from(m.file.buffer, m.file.byteOffset, m.file.byteLength));
      else job.reject(new RenderError(`${NAMES[job.render.kind]} 生成失败 / it could not be rendered: ${m.error}`));
      this.dispatch();
    });
    const failed = (reason: string) => {
      if (!this.lanes.includes(lane)) return;
      this.lanes.splice(this.lanes.indexOf(lane), 1);
      if (lane.job) lane.job.reject(new RenderError(`${NAMES[lane.job.render.kind]} 生成失败 / the renderer's thread ${reason}`));
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
    lane.job?.reject(new RenderError(reason));
    lane.job = undefined;
    await lane.worker.terminate();
  }
}

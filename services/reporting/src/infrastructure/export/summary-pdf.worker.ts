import { parentPort } from 'node:worker_threads';
import type { WorkSummary } from '../../domain/work-summary';
import { summaryPdf } from './summary-pdf';

/** One render at a time for PdfRenderer: a summary in, its PDF (or the error's message) out. */
parentPort!.on('message', (job: { id: number; summary: WorkSummary }) => {
  summaryPdf(job.summary).then(
    (pdf) => parentPort!.postMessage({ id: job.id, pdf }),
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }),
  );
});

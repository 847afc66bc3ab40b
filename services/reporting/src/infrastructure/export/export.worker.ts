import { parentPort } from 'node:worker_threads';
import type { RenderJob } from './export-renderer';
import { statisticsWorkbook } from './statistics-workbook';
import { summaryDocx } from './summary-docx';
import { summaryPdf } from './summary-pdf';

const renderers: { readonly [K in RenderJob['kind']]: (input: Extract<RenderJob, { kind: K }>['input']) => Promise<Buffer> } = {
  pdf: (summary) => summaryPdf(summary),
  docx: (summary) => summaryDocx(summary),
  xlsx: ({ orgName, period, levels, omitted }) => statisticsWorkbook(orgName, period, levels, omitted),
};

/** One render at a time for ExportRenderer: a job in, its file (or the error's message) out. */
parentPort!.on('message', (job: RenderJob & { id: number }) => {
  Promise.resolve()
    .then(() => (renderers[job.kind] as (input: unknown) => Promise<Buffer>)(job.input))
    .then(
      (file) => parentPort!.postMessage({ id: job.id, file }),
      (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }),
    );
});

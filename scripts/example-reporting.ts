// The demo county's work summary (工作总结) as docs/examples/ holds it, made by the platform's own code:
//
//   npm run example:reporting [-- --period 2026] [--out docs/examples]
//
// In a database of its own (`vanguard_example_reporting`, made afresh, dropped at the end):
// `npm run seed`'s county demo (松岭旗's organisations and members, evaluation's running campaign,
// assistance, commendation). Then every store is published as the services publish it — the
// roster state publisher (organisation and member states, signed), the evaluation and commendation
// event-store relays, the assistance outbox relay — to Kafka topics of its own
// (`example-reporting-<id>.*`, deleted at the end); reporting's ProjectionRunner consumes them as
// the running service does (all of that in ./demo-reporting-pipeline.ts); the summary is built from
// the projection (SqlFiguresReadModel → buildWorkSummary) and written as Markdown, Word and PDF by
// the exporters the HTTP routes use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePeriod } from '../services/reporting/src/domain/period';
import { renderMarkdown } from '../services/reporting/src/domain/summary-markdown';
import { buildWorkSummary } from '../services/reporting/src/domain/work-summary';
import { summaryDocx } from '../services/reporting/src/infrastructure/export/summary-docx';
import { summaryPdf } from '../services/reporting/src/infrastructure/export/summary-pdf';
import { SqlFiguresReadModel } from '../services/reporting/src/infrastructure/sql-figures.read-model';
import { DEMO_COUNTY, runDemoReportingPipeline } from './demo-reporting-pipeline';

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const PERIOD = arg('period', new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
const OUT = arg('out', join(__dirname, '..', 'docs', 'examples'));
const log = (s: string) => process.stderr.write(`[example] ${s}\n`);

async function main(): Promise<void> {
  const period = parsePeriod(PERIOD);
  if (!period) throw new Error(`--period must be a year (YYYY) or a quarter (YYYY-Qn), got ${PERIOD}`);
  const pipeline = await runDemoReportingPipeline({ database: 'vanguard_example_reporting', clientId: 'example-reporting', log });
  try {
    const { reporting } = pipeline;
    const years = await reporting.query<{ year: number; facts: string }>(
      `select extract(year from day)::int as year, count(*) as facts from rpt_fact group by 1 order by 1`,
    );
    log(`projected facts by year: ${years.rows.map((r) => `${r.year}: ${r.facts}`).join(', ') || 'none'}`);
    const model = new SqlFiguresReadModel(reporting);
    const org = await model.org(DEMO_COUNTY);
    if (!org) throw new Error('the demo county is not in the projection');
    const summary = buildWorkSummary({ orgId: DEMO_COUNTY, orgName: org.name, period, figures: await model.figures(DEMO_COUNTY, period) });
    mkdirSync(OUT, { recursive: true });
    const base = join(OUT, `work-summary-songling-${PERIOD}`);
    writeFileSync(`${base}.md`, renderMarkdown(summary));
    writeFileSync(`${base}.docx`, await summaryDocx(summary));
    writeFileSync(`${base}.pdf`, await summaryPdf(summary));
    log(`wrote ${base}.md, .docx and .pdf (${org.name}, ${PERIOD})`);
  } finally {
    await pipeline.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[example] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

import { readPdf } from '../../../test/support/pdf-text';
import { parsePeriod } from '../../domain/period';
import { buildWorkSummary, type WorkSummary } from '../../domain/work-summary';
import ExcelJS from 'exceljs';
import { ExportRenderer, RenderCancelled, RenderError } from './export-renderer';
import { statisticsWorkbook, type WorkbookLevel } from './statistics-workbook';
import { summaryPdf } from './summary-pdf';

const summary = (orgName: string, pledges: number): WorkSummary =>
  buildWorkSummary({
    orgId: '00000000-0000-4000-8000-000000910425',
    orgName,
    period: parsePeriod('2026')!,
    figures: new Map([['pledges_made', { key: 'pledges_made', value: pledges, events: pledges }]]),
  });

describe(ExportRenderer.name, () => {
  // One renderer for the tests that leave it open: each thread loads the renderer and the font
  // (about three seconds of CPU), and a renderer per test spent half the suite's minute on that.
  // Every test still asserts on its own jobs; those that close or need one thread make their own.
  let sut: ExportRenderer;
  beforeAll(() => (sut = new ExportRenderer(2)));
  afterAll(() => sut.close());

  it('renders on its threads the same document as the request thread would, each job its own', async () => {
    const jobs = ['松岭旗', '河口县', '白桦乡', '红石村', '青山镇'].map((name, i) => ({ name, pledges: 10 + i }));
    const pdfs = await Promise.all(jobs.map((j) => sut.pdf(summary(j.name, j.pledges))));
    for (const [i, pdf] of pdfs.entries()) {
      const text = readPdf(pdf).text;
      expect(text).toContain(`${jobs[i]!.name}创先争优工作总结（2026年）`);
      expect(text).toContain(`承诺事项 ${jobs[i]!.pledges}件`);
    }
    const here = readPdf(await summaryPdf(summary('松岭旗', 10)));
    expect(readPdf(pdfs[0]!).text).toBe(here.text);
    const fonts = readPdf(pdfs[0]!).embeddedFonts;
    expect(fonts).toHaveLength(here.embeddedFonts.length);
    expect(fonts.every((f) => f.endsWith('+NotoSansHans-Regular'))).toBe(true);
  });

  it('leaves the event loop free while it renders: other work keeps turning', async () => {
    await sut.pdf(summary('松岭旗', 1)); // the threads started and loaded
    let turns = 0;
    let rendering = true;
    const spin = () => {
      turns++;
      if (rendering) setImmediate(spin);
    };
    setImmediate(spin);
    await sut.pdf(summary('松岭旗', 2));
    rendering = false;
    // On the request thread a render runs to its end in one go (PDFKit is synchronous): no turn
    // at all (measured: 0). Here the loop turns the whole time the thread works.
    expect(turns).toBeGreaterThan(50);
  });

  it('renders a statistics workbook on its thread with the same cells as the request thread, and a .docx', async () => {
    const row = (i: number) => ({
      orgId: `00000000-0000-4000-8000-${String(910425101200 + i).padStart(12, '0')}`,
      parentId: null,
      name: `村${i}党支部`,
      level: 'village',
      code: String(910425101200 + i),
      figures: new Map([['pledges_made', { key: 'pledges_made', value: i, events: i }]]),
    });
    const levels: WorkbookLevel[] = [
      { title: '本级', rows: [row(0)] },
      { title: '下一级', rows: Array.from({ length: 300 }, (_, i) => row(i + 1)) },
    ];
    const omitted = { title: '下二级', organisations: 5000, maxRows: 301 };
    const period = parsePeriod('2026')!;
    const cells = async (file: Buffer) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(file as unknown as ArrayBuffer);
      return book.worksheets.map((w) => ({ name: w.name, rows: w.getSheetValues().map((r) => JSON.stringify(r)) }));
    };
    const there = await sut.workbook({ orgName: '松岭旗', period, levels, omitted });
    const here = await statisticsWorkbook('松岭旗', period, levels, omitted);
    expect((await cells(there)).map((s) => s.name)).toEqual(['本级', '下一级', '说明']);
    expect(await cells(there)).toEqual(await cells(here));
    const docx = await sut.docx(summary('松岭旗', 10));
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, as a .docx is
  });

  it('leaves the event loop free while a workbook renders', async () => {
    const levels: WorkbookLevel[] = [
      {
        title: '下一级',
        rows: Array.from({ length: 1000 }, (_, i) => ({
          orgId: `o-${i}`,
          parentId: null,
          name: `支部${i}`,
          level: 'village',
          code: String(i),
          figures: new Map([['pledges_made', { key: 'pledges_made', value: i, events: i }]]),
        })),
      },
    ];
    await sut.workbook({ orgName: '示范省', period: parsePeriod('2026')!, levels: levels.slice(0, 0) }); // threads started
    let turns = 0;
    let rendering = true;
    const spin = () => {
      turns++;
      if (rendering) setImmediate(spin);
    };
    setImmediate(spin);
    await sut.workbook({ orgName: '示范省', period: parsePeriod('2026')!, levels });
    rendering = false;
    expect(turns).toBeGreaterThan(50);
  });

  it('refuses a render once closed, and ends the ones still waiting', async () => {
    const closing = new ExportRenderer(2);
    const waiting = [1, 2, 3, 4].map((n) => closing.pdf(summary('松岭旗', n)).catch((e: unknown) => e));
    await closing.close();
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((o: unknown) => Buffer.isBuffer(o) || o instanceof RenderError)).toBe(true);
    await expect(closing.pdf(summary('松岭旗', 5))).rejects.toThrow(RenderError);
  });

  it('drops a job whose caller left while it waited for the thread, and finishes one a thread had taken', async () => {
    const one = new ExportRenderer(1);
    try {
      await one.pdf(summary('松岭旗', 1)); // the thread started and loaded
      const leftEarly = new AbortController();
      leftEarly.abort();
      await expect(one.pdf(summary('松岭旗', 2), leftEarly.signal)).rejects.toThrow(RenderCancelled);

      const takenLeaves = new AbortController();
      const taken = one.pdf(summary('松岭旗', 3), takenLeaves.signal);
      const waitingLeaves = new AbortController();
      const abandoned = one.pdf(summary('松岭旗', 4), waitingLeaves.signal);
      const next = one.pdf(summary('松岭旗', 5));
      let takenSettled = false;
      void taken.finally(() => (takenSettled = true));
      expect(one.queued).toBe(2);
      takenLeaves.abort();
      waitingLeaves.abort();
      // Out of the queue at once, before the thread is done with the job ahead of it.
      expect(one.queued).toBe(1);
      await expect(abandoned).rejects.toThrow(RenderCancelled);
      expect(takenSettled).toBe(false);
      expect(readPdf(await taken).text).toContain('承诺事项 3件');
      expect(readPdf(await next).text).toContain('承诺事项 5件');
      expect(one.queued).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('fails a job whose render fails, with the reason, and renders the next', async () => {
    const broken = { ...summary('松岭旗', 1), sections: null } as unknown as WorkSummary;
    await expect(sut.pdf(broken)).rejects.toThrow(/PDF 生成失败/);
    expect(readPdf(await sut.pdf(summary('松岭旗', 7))).text).toContain('承诺事项 7件');
  });

  it('fails a summary its thread cannot receive, first or queued behind another, and goes on with the next', async () => {
    const uncopyable = { ...summary('松岭旗', 1), extra: () => 'a function' } as unknown as WorkSummary;
    await expect(sut.pdf(uncopyable)).rejects.toThrow(RenderError);
    const running = sut.pdf(summary('松岭旗', 2));
    const queued = sut.pdf(uncopyable);
    const after = sut.pdf(summary('松岭旗', 3));
    await expect(queued).rejects.toThrow(RenderError);
    expect(readPdf(await running).text).toContain('承诺事项 2件');
    expect(readPdf(await after).text).toContain('承诺事项 3件');
  });
});

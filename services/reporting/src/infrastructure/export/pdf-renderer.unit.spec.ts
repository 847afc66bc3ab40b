import { readPdf } from '../../../test/support/pdf-text';
import { parsePeriod } from '../../domain/period';
import { buildWorkSummary, type WorkSummary } from '../../domain/work-summary';
import { PdfRenderError, PdfRenderer } from './pdf-renderer';
import { summaryPdf } from './summary-pdf';

const summary = (orgName: string, pledges: number): WorkSummary =>
  buildWorkSummary({
    orgId: '00000000-0000-4000-8000-000000910425',
    orgName,
    period: parsePeriod('2026')!,
    figures: new Map([['pledges_made', { key: 'pledges_made', value: pledges, events: pledges }]]),
  });

describe(PdfRenderer.name, () => {
  let sut: PdfRenderer;
  beforeEach(() => (sut = new PdfRenderer(2)));
  afterEach(() => sut.close());

  it('renders on its threads the same document as the request thread would, each job its own', async () => {
    const jobs = ['松岭旗', '河口县', '白桦乡', '红石村', '青山镇'].map((name, i) => ({ name, pledges: 10 + i }));
    const pdfs = await Promise.all(jobs.map((j) => sut.render(summary(j.name, j.pledges))));
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
    await sut.render(summary('松岭旗', 1)); // the threads started and loaded
    let turns = 0;
    let rendering = true;
    const spin = () => {
      turns++;
      if (rendering) setImmediate(spin);
    };
    setImmediate(spin);
    await sut.render(summary('松岭旗', 2));
    rendering = false;
    // On the request thread a render runs to its end in one go (PDFKit is synchronous): no turn
    // at all (measured: 0). Here the loop turns the whole time the thread works.
    expect(turns).toBeGreaterThan(50);
  });

  it('refuses a render once closed, and ends the ones still waiting', async () => {
    const waiting = [1, 2, 3, 4].map((n) => sut.render(summary('松岭旗', n)).catch((e: unknown) => e));
    await sut.close();
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((o) => Buffer.isBuffer(o) || o instanceof PdfRenderError)).toBe(true);
    await expect(sut.render(summary('松岭旗', 5))).rejects.toThrow(PdfRenderError);
  });

  it('fails a job whose render fails, with the reason, and renders the next', async () => {
    const broken = { ...summary('松岭旗', 1), sections: null } as unknown as WorkSummary;
    await expect(sut.render(broken)).rejects.toThrow(/PDF 生成失败/);
    expect(readPdf(await sut.render(summary('松岭旗', 7))).text).toContain('承诺事项 7件');
  });

  it('fails a summary its thread cannot receive, first or queued behind another, and goes on with the next', async () => {
    const uncopyable = { ...summary('松岭旗', 1), extra: () => 'a function' } as unknown as WorkSummary;
    await expect(sut.render(uncopyable)).rejects.toThrow(PdfRenderError);
    const running = sut.render(summary('松岭旗', 2));
    const queued = sut.render(uncopyable);
    const after = sut.render(summary('松岭旗', 3));
    await expect(queued).rejects.toThrow(PdfRenderError);
    expect(readPdf(await running).text).toContain('承诺事项 2件');
    expect(readPdf(await after).text).toContain('承诺事项 3件');
  });
});

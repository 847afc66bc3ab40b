import { readPdf } from '../../../test/support/pdf-text';
import { parsePeriod } from '../../domain/period';
import { buildWorkSummary } from '../../domain/work-summary';
import { CJK_FONT_NAME } from './cjk-font';
import { summaryPdf } from './summary-pdf';

describe('summaryPdf', () => {
  it('writes a PDF that parses, embeds its Chinese font and carries the heading and figures as extractable text', async () => {
    const figures = new Map([['pledges_made', { key: 'pledges_made', value: 37, events: 37 }]]);
    const summary = buildWorkSummary({
      orgId: '00000000-0000-4000-8000-000000910425',
      orgName: '松岭旗',
      period: parsePeriod('2026')!,
      figures,
    });

    const pdf = await summaryPdf(summary);
    const sut = readPdf(pdf);

    expect(sut.embeddedFonts).toEqual([expect.stringMatching(new RegExp(`^[A-Z]{6}\\+${CJK_FONT_NAME}$`))]); // a subset, embedded
    expect(sut.text).toContain('松岭旗创先争优工作总结（2026年）');
    expect(sut.text).toContain('一、创先争优活动主要做法');
    expect(sut.text).toContain('承诺事项 37件[5]');
    expect(sut.text).toContain('领导点评（comments）：暂无数据'); // a figure with no data says so
    expect(pdf.length).toBeLessThan(300_000); // only the glyphs used, not the 8 MB font
  });
});

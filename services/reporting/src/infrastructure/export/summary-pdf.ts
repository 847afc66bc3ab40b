import PDFDocument from 'pdfkit';
import { FIGURE_BY_KEY } from '../../domain/figures';
import { traceLink } from '../../domain/summary-markdown';
import { figureText, figuresMentioned, type WorkSummary } from '../../domain/work-summary';
import { CJK_FONT_NAME, cjkFont } from './cjk-font';

/**
 * The work summary as PDF, the same document model as the Markdown and the .docx: each figure
 * followed by a superscript note number, the notes (figure, event count, the endpoint listing
 * its events) at the end. The Chinese font is embedded (subset to the glyphs used), so the file
 * reads the same in any reader, also one without CJK fonts of its own.
 */
export function summaryPdf(summary: WorkSummary): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: summary.title, Creator: 'Vanguard reporting' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(CJK_FONT_NAME, cjkFont());
  doc.font(CJK_FONT_NAME);
  const order = figuresMentioned(summary);
  doc.fontSize(18).text(summary.title, { align: 'center' }).moveDown();
  for (const section of summary.sections) {
    if (section.heading) doc.fontSize(14).text(section.heading).moveDown(0.3);
    for (const p of section.paragraphs) {
      doc.fontSize(11);
      p.forEach((seg, i) => {
        const last = i === p.length - 1;
        if ('text' in seg) doc.text(seg.text, { continued: !last });
        else {
          doc.text(figureText(seg.figure, summary.figures.get(seg.figure)), { continued: true });
          doc.text(`[${order.indexOf(seg.figure) + 1}]`, { continued: !last, features: ['sups'] });
        }
      });
      doc.moveDown(0.5);
    }
  }
  doc.moveDown().fontSize(9);
  order.forEach((key, i) => {
    const v = summary.figures.get(key);
    const basis = !v || v.value === null ? '暂无数据：本期没有产生该项数据的事件' : `由 ${v.events} 个事件计算`;
    doc.text(
      `[${i + 1}] ${FIGURE_BY_KEY.get(key)?.label ?? key}（${key}）：${basis}。明细：${traceLink(key, summary.orgId, summary.period.key)}`,
    );
  });
  doc.end();
  return done;
}

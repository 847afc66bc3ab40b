import { Document, FootnoteReferenceRun, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { FIGURE_BY_KEY } from '../../domain/figures';
import { traceLink } from '../../domain/summary-markdown';
import { figureText, type WorkSummary } from '../../domain/work-summary';
import { xmlText } from './xml-text';

const FONT = { ascii: 'SimSun', eastAsia: 'SimSun', hAnsi: 'SimSun' };

/**
 * The work summary as .docx: the same document model as the Markdown, each figure followed by
 * a Word footnote naming the figure, its event count and the endpoint that lists its events (one
 * footnote per mention).
 * Word picks the reader's own Chinese font (宋体 named); nothing is embedded in a .docx. Text that
 * holds an organisation's name goes through xmlText: a character XML refuses made the file corrupt.
 */
export async function summaryDocx(summary: WorkSummary): Promise<Buffer> {
  // A footnote per mention, not per figure: Word numbers each reference as it comes, so a second
  // reference to one footnote showed a number no footnote carries (a figure the results and the
  // problems both cite, as 未践诺 is).
  const footnotes: Record<number, { children: Paragraph[] }> = {};
  let mentions = 0;
  const footnoteOf = (key: string): FootnoteReferenceRun => {
    const v = summary.figures.get(key);
    const basis = !v || v.value === null ? '暂无数据：本期没有产生该项数据的事件' : `由 ${v.events} 个事件计算`;
    const text = `${FIGURE_BY_KEY.get(key)?.label ?? key}：${basis}。明细：${traceLink(key, summary.orgId, summary.period.key)}`;
    footnotes[++mentions] = { children: [new Paragraph({ children: [new TextRun({ text, font: FONT })] })] };
    return new FootnoteReferenceRun(mentions);
  };
  const body: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: xmlText(summary.title), font: FONT })] }),
  ];
  for (const section of summary.sections) {
    if (section.heading)
      body.push(
        new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: xmlText(section.heading), font: FONT })] }),
      );
    for (const p of section.paragraphs)
      body.push(
        new Paragraph({
          children: p.flatMap((seg) =>
            'text' in seg
              ? [new TextRun({ text: xmlText(seg.text), font: FONT })]
              : [
                  new TextRun({ text: figureText(seg.figure, summary.figures.get(seg.figure)), font: FONT, bold: true }),
                  footnoteOf(seg.figure),
                ],
          ),
        }),
      );
  }
  const doc = new Document({ creator: 'Vanguard reporting', title: xmlText(summary.title), footnotes, sections: [{ children: body }] });
  return Packer.toBuffer(doc);
}

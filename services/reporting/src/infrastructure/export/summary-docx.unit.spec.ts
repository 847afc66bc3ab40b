import JSZip from 'jszip';
import { FIGURE_BY_KEY, type FigureValue } from '../../domain/figures';
import { parsePeriod } from '../../domain/period';
import { buildWorkSummary } from '../../domain/work-summary';
import { summaryDocx } from './summary-docx';

const ORG = '00000000-0000-4000-8000-000000910425';
const figures = new Map<string, FigureValue>(
  Object.entries({ pledges_made: 3, pledges_fulfilled: 2, pledges_lapsed: 1 }).map(([key, value]) => [key, { key, value, events: value }]),
);

/** The references in document order and the footnotes by id, read back from the file as Word reads it. */
async function footnotesOf(docx: Buffer): Promise<{ references: string[]; notes: Map<string, string> }> {
  const zip = await JSZip.loadAsync(docx);
  const document = await zip.file('word/document.xml')!.async('string');
  const footnotes = await zip.file('word/footnotes.xml')!.async('string');
  const references = [...document.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => m[1]!);
  const notes = new Map(
    [...footnotes.matchAll(/<w:footnote w:id="(\d+)">([\s\S]*?)<\/w:footnote>/g)].map((m) => [
      m[1]!,
      [...m[2]!.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)]
        .map((t) => t[1]!)
        .join('')
        .replaceAll('&amp;', '&'),
    ]),
  );
  return { references, notes };
}

describe('the work summary as .docx', () => {
  it('gives each mention of a figure a footnote of its own, so Word numbers every reference after a footnote it has', async () => {
    const summary = buildWorkSummary({ orgId: ORG, orgName: '松岭旗委', period: parsePeriod('2026')!, figures });
    const mentions = summary.sections.flatMap((s) =>
      s.paragraphs.flatMap((p) => p.flatMap((seg) => ('figure' in seg ? [seg.figure] : []))),
    );
    // The case that showed it: 未践诺 is cited under the results and again under the problems.
    expect(mentions.filter((f) => f === 'pledges_lapsed').length).toBeGreaterThan(1);

    const { references, notes } = await footnotesOf(await summaryDocx(summary));
    expect(references).toHaveLength(mentions.length);
    expect(new Set(references).size).toBe(references.length);
    references.forEach((id, i) => {
      expect(notes.get(id)).toMatch(new RegExp(`^${FIGURE_BY_KEY.get(mentions[i]!)!.label}：`));
      expect(notes.get(id)).toContain(`/reports/figures/${mentions[i]}/events?orgId=${ORG}&period=2026`);
    });
  });
});

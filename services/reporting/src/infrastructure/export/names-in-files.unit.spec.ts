import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parsePeriod } from '../../domain/period';
import { buildWorkSummary } from '../../domain/work-summary';
import { statisticsWorkbook } from './statistics-workbook';
import { summaryDocx } from './summary-docx';

/** What XML 1.0 allows in a document (§2.2 Char): no other control, no U+FFFE/U+FFFF, no lone surrogate. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * An organisation's name is whatever the organization service stored: it refuses NUL, lone
 * surrogates and direction controls, not U+FFFE, U+FFFF or the other C0 controls. Written into a
 * .docx or .xlsx as they were, U+FFFE and U+FFFF made the part XML no reader parses (Word and
 * Excel report the file corrupt; ExcelJS refused to load it back).
 */
describe('names in the downloaded files', () => {
  const name = '红石村\uFFFE党支部\uFFFF\u0001\u000B<&>';
  const period = parsePeriod('2026')!;

  it('writes a .docx whose every part is XML, the name kept readable', async () => {
    const docx = await summaryDocx(
      buildWorkSummary({ orgId: '00000000-0000-4000-8000-910425101201', orgName: name, period, figures: new Map() }),
    );
    const zip = await JSZip.loadAsync(docx);
    for (const part of Object.keys(zip.files).filter((f) => f.endsWith('.xml'))) {
      const text = await zip.file(part)!.async('string');
      expect({ part, bad: NOT_XML.exec(text)?.[0] }).toEqual({ part, bad: undefined });
    }
    expect(await zip.file('word/document.xml')!.async('string')).toContain('党支部');
  });

  it('writes a workbook ExcelJS loads back, the name in its cells', async () => {
    const row = { orgId: 'x', parentId: null, name, level: 'village', code: '910425101201', figures: new Map() };
    const file = await statisticsWorkbook(name, period, [{ title: '本级', rows: [row] }]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const cell = book.worksheets[0]!.getCell('A3').text;
    expect(cell).toContain('红石村');
    expect(cell).toContain('党支部');
    expect(NOT_XML.test(cell)).toBe(false);
  });
});

import ExcelJS from 'exceljs';
import { FIGURES } from '../../domain/figures';
import { parsePeriod } from '../../domain/period';
import { statisticsWorkbook } from './statistics-workbook';

describe(statisticsWorkbook.name, () => {
  it('shows money as yuan with two decimals and a rate in percent to one decimal, the numbers kept numbers', async () => {
    const figures = new Map([
      ['funds_disbursed_fen', { key: 'funds_disbursed_fen', value: 41_750_010, events: 3 }],
      ['satisfaction', { key: 'satisfaction', value: 950, events: 2 }],
      ['pledges_made', { key: 'pledges_made', value: 7, events: 7 }],
    ]);
    const row = { orgId: 'o', parentId: null, name: '红石村党支部', level: 'village', code: '910425101201', figures };
    const file = await statisticsWorkbook('松岭旗', parsePeriod('2026')!, [{ title: '本级', rows: [row] }]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('本级')!;
    const headers = sheet.getRow(2).values as unknown[];
    const at = (key: string) => {
      const label = FIGURES.find((d) => d.key === key)!.label;
      const column = headers.findIndex((h) => typeof h === 'string' && h.startsWith(`${label}（`));
      const c = sheet.getRow(3).getCell(column);
      return { header: headers[column], value: c.value, format: c.numFmt ?? null };
    };
    expect(at('funds_disbursed_fen')).toEqual({ header: '拨付帮扶资金（元）', value: 417_500.1, format: '#,##0.00' });
    expect(at('satisfaction')).toMatchObject({ header: '群众满意率（%）', value: 95, format: '0.0' });
    expect(at('pledges_made')).toMatchObject({ value: 7, format: null });
    // A figure with no data stays text, unformatted.
    expect(at('commendations')).toMatchObject({ value: '暂无数据' });
  });
});

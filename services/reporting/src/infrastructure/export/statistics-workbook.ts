import { neutraliseFormula } from '@vanguard/spreadsheet';
import ExcelJS from 'exceljs';
import { FIGURES, FIGURE_BY_KEY, type FigureValue } from '../../domain/figures';
import type { Period } from '../../domain/period';
import type { BreakdownRow } from '../sql-breakdown.read-model';
import { xmlText } from './xml-text';

export interface WorkbookLevel {
  /** Sheet title, e.g. 本级 / 下一级 / 下二级. */
  readonly title: string;
  readonly rows: readonly BreakdownRow[];
}

const cell = (key: string, v: FigureValue | undefined): number | string => {
  if (!v || v.value === null) return '暂无数据';
  if (key === 'funds_disbursed_fen') return v.value / 100;
  if (FIGURE_BY_KEY.get(key)?.kind === 'rate') return v.value / 10;
  return v.value;
};

const FIXED_HEADERS = ['党组织', '编码', '层级'] as const;
const FIXED_COLUMNS = FIXED_HEADERS.length;

/** 层级 as the glossary writes it: the file goes to people, the API keeps the identifiers. */
const LEVEL_LABEL: Readonly<Record<string, string>> = {
  province: '省',
  city: '市',
  county: '县（旗、区）',
  township: '乡镇（苏木、街道）',
  village: '村（嘎查、社区）',
};

/** How a figure's number reads in Excel: yuan with their fen (two decimals), a rate in percent to one decimal. */
const numberFormat = (key: string): string | undefined =>
  key === 'funds_disbursed_fen' ? '#,##0.00' : FIGURE_BY_KEY.get(key)?.kind === 'rate' ? '0.0' : undefined;

const header = (key: string): string => {
  const d = FIGURE_BY_KEY.get(key);
  if (!d) return key;
  if (key === 'funds_disbursed_fen') return `${d.label}（元）`;
  return d.kind === 'rate' ? `${d.label}（%）` : `${d.label}（${d.unit}）`;
};

/**
 * 创先争优活动统计表: one sheet per level from the requested organisation down, each row an
 * organisation with its subtree's figures, so the level above reads its own totals and
 * drills down to the branches in one file. Numbers are numbers; names are neutralised text,
 * with any character XML refuses replaced (xmlText: one made the workbook corrupt).
 */
export async function statisticsWorkbook(
  orgName: string,
  period: Period,
  levels: readonly WorkbookLevel[],
  /** Levels left out to keep the file within its row limit: said on a last sheet, 说明. */
  omitted?: { readonly title: string; readonly organisations: number; readonly maxRows: number },
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Vanguard reporting';
  for (const level of levels) {
    const sheet = book.addWorksheet(level.title);
    sheet.addRow([neutraliseFormula(xmlText(`${orgName}创先争优活动统计表（${period.label}）`))]);
    sheet.addRow([...FIXED_HEADERS, ...FIGURES.map((d) => header(d.key))]);
    for (const r of level.rows)
      sheet.addRow([
        neutraliseFormula(xmlText(r.name)),
        neutraliseFormula(xmlText(r.code)),
        LEVEL_LABEL[r.level] ?? neutraliseFormula(xmlText(r.level)),
        ...FIGURES.map((d) => cell(d.key, r.figures.get(d.key))),
      ]);
    sheet.getRow(2).font = { bold: true };
    // Without a format Excel shows 417,500 yuan as 417500 and 123.40 as 123.4 (the .md shows 417500.00元).
    FIGURES.forEach((d, i) => {
      const format = numberFormat(d.key);
      if (format)
        sheet.getColumn(FIXED_COLUMNS + i + 1).eachCell((c, row) => {
          if (row > 2 && typeof c.value === 'number') c.numFmt = format;
        });
    });
  }
  if (omitted)
    book
      .addWorksheet('说明')
      .addRow([
        `${omitted.title}共 ${omitted.organisations} 个组织，超过单个文件 ${omitted.maxRows} 行的上限，未列入；请下载下级组织的统计表逐级查看 / ` +
          `${omitted.organisations} organisations at the next level would pass this file's ${omitted.maxRows} rows: download the statistics of the organisations below`,
      ]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

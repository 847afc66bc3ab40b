import type { SheetRecord, SheetSource } from '@vanguard/spreadsheet';
import { PROJECT_COLUMNS, readProjectRows } from './project-import.rows';

const VILLAGE = '00000000-0000-4000-8000-000910425101';
const row = (n: number, cells: Record<string, string>): SheetRecord => ({
  row: n,
  cells: {
    village_id: VILLAGE,
    name: '安全饮水工程',
    category: 'drinking_water',
    budget_fen: '45000000',
    beneficiary_households: '122',
    planned_on: '2011-03-01',
    ...cells,
  },
});
const source = (records: SheetRecord[]): SheetSource => ({
  header: Object.keys(PROJECT_COLUMNS),
  headerCells: Object.keys(PROJECT_COLUMNS),
  records: (async function* () {
    for (const r of records) yield await Promise.resolve(r);
  })(),
  bytesRead: () => 0,
  bytesTotal: 0,
  close: () => Promise.resolve(),
});

describe(readProjectRows.name, () => {
  it('WhenACellHoldsTextPostgresCannotStore_RefusesThatRowAndColumn_NotTheOthers', async () => {
    const read = await readProjectRows(source([row(2, {}), row(3, { name: '饮水\u0000工程' }), row(4, { name: '\udc00' })]));
    expect(read.rows.map((r) => r.row)).toEqual([2]);
    expect(read.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'name'],
      [4, 'name'],
    ]);
  });

  it('WhenABudgetIsPastTheCap_RefusesTheRow', async () => {
    const read = await readProjectRows(source([row(2, { budget_fen: '10000000001' }), row(3, { budget_fen: '10000000000' })]));
    expect(read.rows.map((r) => r.row)).toEqual([3]);
    expect(read.errors).toEqual([expect.objectContaining({ row: 2, column: 'budget_fen' })]);
  });
});

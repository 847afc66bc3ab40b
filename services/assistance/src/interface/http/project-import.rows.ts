import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { chineseReasonsOf } from '@vanguard/http';
import type { DomainError } from '@vanguard/kernel';
import { unstorableCells, type SheetSource } from '@vanguard/spreadsheet';
import type { PlanRow, VillageRef } from '../../application/use-cases/projects.use-cases';
import { ProjectRowRequest } from './dto/project.dto';

/**
 * The project-list file (帮扶项目清单), .xlsx (first sheet) or UTF-8 .csv: a header row with
 * these columns, then one project per row. Each row is checked by `POST /projects`'s request
 * class (one rule for both; the village by id or by organisation code) and then planned by the
 * same command.
 */
export const PROJECT_COLUMNS = {
  village_id: { field: 'villageId', label: '村（village_id）' },
  village_code: { field: 'villageCode', label: '村组织代码（village_code）' },
  pairing_id: { field: 'pairingId', label: '结对（pairing_id）' },
  name: { field: 'name', label: '项目名称（name）' },
  category: { field: 'category', label: '项目类别（category）' },
  budget_fen: { field: 'budgetFen', label: '预算，单位分（budget_fen）' },
  beneficiary_households: { field: 'beneficiaryHouseholds', label: '受益户数（beneficiary_households）' },
  planned_on: { field: 'plannedOn', label: '立项日期（planned_on）' },
} as const;
type Column = keyof typeof PROJECT_COLUMNS;
const OPTIONAL: readonly Column[] = ['pairing_id', 'village_id', 'village_code'];
/** A row names its village by one of these: people know a village's code, the platform its id. */
const VILLAGE: readonly Column[] = ['village_id', 'village_code'];
const NUMERIC: readonly Column[] = ['budget_fen', 'beneficiary_households'];

/** One refused row: the spreadsheet row (header = 1), the column and why, in Chinese first. */
export interface ImportRowError {
  readonly row: number;
  readonly column: string;
  readonly field: string;
  readonly reason: string;
}

/** Header columns the file lacks (the file is refused before any row is read); `a|b` for one of two. */
export function missingColumns(header: readonly string[]): string[] {
  const missing = Object.keys(PROJECT_COLUMNS).filter((c) => !OPTIONAL.includes(c as Column) && !header.includes(c));
  return VILLAGE.some((c) => header.includes(c)) ? missing : [VILLAGE.join('|'), ...missing];
}

/** The columns of a refusal about the village, per row: the one the row used. */
export type VillageColumns = ReadonlyMap<number, Column>;

/** Reads every row into a plan, or the row's errors; the reader bounds rows and record length. */
export async function readProjectRows(
  source: SheetSource,
): Promise<{ rows: PlanRow[]; errors: ImportRowError[]; villageColumns: VillageColumns }> {
  const rows: PlanRow[] = [];
  const errors: ImportRowError[] = [];
  const villageColumns = new Map<number, Column>();
  for await (const { row, cells } of source.records) {
    const plain: Record<string, unknown> = {};
    for (const [column, { field }] of Object.entries(PROJECT_COLUMNS) as [Column, (typeof PROJECT_COLUMNS)[Column]][]) {
      const text = (cells[column] ?? '').trim();
      if (text === '' && OPTIONAL.includes(column)) continue;
      // A whole number stays a number for the request's checks; anything else reaches them as text and is refused there.
      plain[field] = NUMERIC.includes(column) && /^-?\d{1,16}$/.test(text) ? Number(text) : text;
    }
    const named = VILLAGE.filter((c) => plain[PROJECT_COLUMNS[c].field] !== undefined);
    const before = errors.length;
    for (const { column, reason } of unstorableCells(cells, Object.keys(PROJECT_COLUMNS)))
      errors.push(rowError(row, column as Column, reason));
    if (named.length !== 1)
      errors.push(
        rowError(
          row,
          'village_id',
          named.length
            ? '村（village_id）与村组织代码（village_code）只填其一 / fill one of village_id, village_code'
            : '请填写村（village_id）或村组织代码（village_code）/ village_id or village_code is required',
        ),
      );
    const request = plainToInstance(ProjectRowRequest, plain);
    for (const p of await validate(request, { whitelist: true, forbidUnknownValues: true }))
      errors.push(rowError(row, columnOf(p.property), chineseReasonsOf(p.constraints ?? {}).join('; ')));
    if (errors.length > before) continue;
    villageColumns.set(row, named[0]!);
    const { villageId, villageCode, pairingId, ...input } = request;
    const village: VillageRef = villageId !== undefined ? { id: villageId } : { code: villageCode! };
    rows.push({ row, village, input: { ...input, pairingId: pairingId ?? null } });
  }
  return { rows, errors, villageColumns };
}

const columnOf = (field: string): Column =>
  (Object.entries(PROJECT_COLUMNS).find(([, c]) => c.field === field)?.[0] as Column | undefined) ?? 'name';

function rowError(row: number, column: Column, why: string): ImportRowError {
  return { row, column, field: column, reason: `第 ${row} 行${PROJECT_COLUMNS[column].label}填写有误 / ${why}` };
}

/** A row the domain refused: the column the rule is about (for the village, the one the row used), and the rule's own message (Chinese first). */
export function refusedRow(row: number, error: DomainError, villageColumns: VillageColumns): ImportRowError {
  const column: Column = error.code.startsWith('ORGANIZATION.')
    ? (villageColumns.get(row) ?? 'village_id')
    : error.code.startsWith('PAIRING.') || error.code === 'PROJECT.PAIRING_ELSEWHERE'
      ? 'pairing_id'
      : error.code.startsWith('DAY.')
        ? 'planned_on'
        : 'name';
  return { row, column, field: column, reason: `第 ${row} 行：${error.message}` };
}

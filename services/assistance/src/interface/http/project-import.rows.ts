import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { DomainError } from '@vanguard/kernel';
import type { SheetSource } from '@vanguard/spreadsheet';
import type { PlanRow } from '../../application/use-cases/projects.use-cases';
import { PlanProjectRequest } from './dto/project.dto';

/**
 * The project-list file (帮扶项目清单), .xlsx (first sheet) or UTF-8 .csv: a header row with
 * these columns, then one project per row. Each row is checked by the same request class as
 * `POST /projects` (one rule for both) and then planned by the same command.
 */
export const PROJECT_COLUMNS = {
  village_id: { field: 'villageId', label: '村（village_id）' },
  pairing_id: { field: 'pairingId', label: '结对（pairing_id）' },
  name: { field: 'name', label: '项目名称（name）' },
  category: { field: 'category', label: '项目类别（category）' },
  budget_fen: { field: 'budgetFen', label: '预算，单位分（budget_fen）' },
  beneficiary_households: { field: 'beneficiaryHouseholds', label: '受益户数（beneficiary_households）' },
  planned_on: { field: 'plannedOn', label: '立项日期（planned_on）' },
} as const;
type Column = keyof typeof PROJECT_COLUMNS;
const OPTIONAL: readonly Column[] = ['pairing_id'];
const NUMERIC: readonly Column[] = ['budget_fen', 'beneficiary_households'];

/** One refused row: the spreadsheet row (header = 1), the column and why, in Chinese first. */
export interface ImportRowError {
  readonly row: number;
  readonly column: string;
  readonly field: string;
  readonly reason: string;
}

/** Header columns the file lacks (the file is refused before any row is read). */
export function missingColumns(header: readonly string[]): string[] {
  return Object.keys(PROJECT_COLUMNS).filter((c) => !OPTIONAL.includes(c as Column) && !header.includes(c));
}

/** Reads every row into a plan, or the row's errors; the reader bounds rows and record length. */
export async function readProjectRows(source: SheetSource): Promise<{ rows: PlanRow[]; errors: ImportRowError[] }> {
  const rows: PlanRow[] = [];
  const errors: ImportRowError[] = [];
  for await (const { row, cells } of source.records) {
    const plain: Record<string, unknown> = {};
    for (const [column, { field }] of Object.entries(PROJECT_COLUMNS) as [Column, (typeof PROJECT_COLUMNS)[Column]][]) {
      const text = (cells[column] ?? '').trim();
      if (text === '' && OPTIONAL.includes(column)) continue;
      // A whole number stays a number for the request's checks; anything else reaches them as text and is refused there.
      plain[field] = NUMERIC.includes(column) && /^-?\d{1,16}$/.test(text) ? Number(text) : text;
    }
    const request = plainToInstance(PlanProjectRequest, plain);
    const problems = await validate(request, { whitelist: true, forbidUnknownValues: true });
    if (problems.length) {
      for (const p of problems) errors.push(rowError(row, columnOf(p.property), Object.values(p.constraints ?? {}).join('; ')));
      continue;
    }
    const { villageId, pairingId, ...input } = request;
    rows.push({ row, orgId: villageId, input: { ...input, pairingId: pairingId ?? null } });
  }
  return { rows, errors };
}

const columnOf = (field: string): Column =>
  (Object.entries(PROJECT_COLUMNS).find(([, c]) => c.field === field)?.[0] as Column | undefined) ?? 'name';

function rowError(row: number, column: Column, why: string): ImportRowError {
  return { row, column, field: column, reason: `第 ${row} 行${PROJECT_COLUMNS[column].label}填写有误 / ${why}` };
}

/** A row the domain refused: the column the rule is about, and the rule's own message (Chinese first). */
export function refusedRow(row: number, error: DomainError): ImportRowError {
  const column: Column = error.code.startsWith('ORGANIZATION.')
    ? 'village_id'
    : error.code.startsWith('PAIRING.') || error.code === 'PROJECT.PAIRING_ELSEWHERE'
      ? 'pairing_id'
      : error.code.startsWith('DAY.')
        ? 'planned_on'
        : 'name';
  return { row, column, field: column, reason: `第 ${row} 行：${error.message}` };
}

import { randomUUID } from 'node:crypto';
import type { CountyDraft } from './county-client';

// Pure: the county messages the CLI's commands publish, from flags or files.

export type Flags = Readonly<Record<string, string | true>>;

/** `--name value`, `--name=value` and bare `--switch`; everything else is positional. */
export function parseArgs(args: readonly string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (args[i + 1] !== undefined && !(args[i + 1] ?? '').startsWith('--')) flags[a.slice(2)] = args[++i] ?? '';
    else flags[a.slice(2)] = true;
  }
  return { positional, flags };
}

/** A bad argument or an unreadable file of the operator's: named, exit code USAGE, nothing sent. */
export class UsageError extends Error {}

/**
 * The exit codes of `npm run county` and of the witness's own entry (witness-main.ts), one
 * meaning each (ADR 0109): a script can tell a fork the witness refused from an outage.
 */
export const EXIT = {
  OK: 0,
  /** Something failed that may work later: broker, Keycloak or audit service unreachable, messages unconfirmed. */
  ERROR: 1,
  /** Bad arguments or an unreadable file: nothing was done. */
  USAGE: 2,
  /** The witness refused a checkpoint (fork, rollback, bad checkpoint): evidence, not an outage. */
  REFUSED: 3,
} as const;

/** Whether a flag takes a value (`--org x`) or is a bare switch (`--history`). */
export type FlagSpec = Readonly<Record<string, 'value' | 'switch'>>;

/** Refuses a flag the command does not know, a switch given a value and a valued flag given none. */
export function checkFlags(command: string, flags: Flags, spec: FlagSpec): void {
  for (const [name, v] of Object.entries(flags)) {
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec).map((k) => `--${k}`);
      throw new UsageError(`${command} 不接受 --${name}${known.length ? `（可用: ${known.join(' ')}）` : ''}`);
    }
    if (kind === 'switch' && v !== true) throw new UsageError(`--${name} 不带值（收到 ${v}）`);
    if (kind === 'value' && v === true) throw new UsageError(`--${name} 须带值`);
  }
}

/** `--name <seconds>` as milliseconds, within what a timer can wait (about 24 days). */
export function seconds(flags: Flags, name: string, min: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < min || n * 1000 > 2_147_483_647)
    throw new UsageError(`--${name} 须为不小于 ${min} 的秒数（收到 ${String(v)}）`);
  return Math.round(n * 1000);
}

export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`缺少参数 --${name}`);
  return v;
}

const optional = (flags: Flags, name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);

export function count(flags: Flags, name: string, fallback?: number): number {
  const v = flags[name];
  if (v === undefined && fallback !== undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} 须为非负整数`);
  return n;
}

/** A day in China time, `n` days from `now`. */
export const chinaDay = (now: Date, n = 0): string => new Date(now.getTime() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

// ── Roster (花名册) ──────────────────────────────────────────────────────────────────

export interface RosterRow {
  readonly memberId: string;
  readonly orgId: string;
  readonly name: string;
  readonly status: string;
  readonly joinedOn: string;
  readonly roles: readonly string[];
  readonly posts: readonly string[];
}

/** `count` new members of `orgId` with the county's own fresh ids (names 党员0001 …). */
export function generatedRoster(orgId: string, n: number, newId: () => string = randomUUID): RosterRow[] {
  return Array.from({ length: n }, (_, i) => ({
    memberId: newId(),
    orgId,
    name: `党员${String(i + 1).padStart(4, '0')}`,
    status: i % 10 === 9 ? 'probationary' : 'full',
    joinedOn: `20${String(i % 20).padStart(2, '0')}-07-01`,
    roles: i === 0 ? ['secretary'] : [],
    posts: [],
  }));
}

/** A cell as text: strings and numbers as they are, anything else (a nested object) as nothing. */
const cellText = (cell: unknown): string => (typeof cell === 'string' ? cell : typeof cell === 'number' ? String(cell) : '');

const list = (cell: unknown): string[] =>
  Array.isArray(cell)
    ? cell.map(cellText)
    : cellText(cell)
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * A roster file: a JSON array of members, or CSV with a header naming
 * memberId,orgId,name,status,joinedOn[,roles][,posts] (roles and posts separated by `|`).
 * `defaultOrgId` fills a missing orgId.
 */
export function parseRosterFile(text: string, fileName: string, defaultOrgId?: string): RosterRow[] {
  const records: unknown = fileName.toLowerCase().endsWith('.json') ? parseJson(text, fileName) : parseCsv(text);
  if (!Array.isArray(records)) throw new UsageError(`${fileName}: 须为成员数组`);
  const bad = records.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) throw new UsageError(`${fileName}: 第 ${bad + 1} 项须为成员对象（收到 ${JSON.stringify(records[bad])}）`);
  // A blank status was sent as `full`: a 预备党员 nobody had marked became full, or, in his first
  // year, was refused for it (ADR 0154). The county's system knows which; the file must say.
  const blank = (records as Record<string, unknown>[]).findIndex((r) => cellText(r['status']).trim() === '');
  if (blank >= 0) throw new UsageError(`${fileName}: 第 ${blank + 1} 项缺少 status（full 正式党员 或 probationary 预备党员）`);
  return (records as Record<string, unknown>[]).map((r) => ({
    memberId: cellText(r['memberId']),
    orgId: cellText(r['orgId']) || defaultOrgId || '',
    name: cellText(r['name']),
    status: cellText(r['status']).trim(),
    joinedOn: cellText(r['joinedOn']),
    roles: list(r['roles']),
    posts: list(r['posts']),
  }));
}

function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UsageError(`${fileName} 不是有效的 JSON（${(e as Error).message}）`);
  }
}

/** Plain CSV: comma separated, double quotes around cells that hold commas or quotes. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map(splitCsvLine);
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h.trim(), cells[i] ?? ''])));
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export const rosterDrafts = (rows: readonly RosterRow[]): CountyDraft[] =>
  rows.map((r) => ({ type: 'county.RosterMemberSynced', data: { ...r, roles: [...r.roles], posts: [...r.posts] } }));

export function rosterRemovalDraft(flags: Flags, now: Date): CountyDraft {
  const reason = optional(flags, 'reason');
  return {
    type: 'county.RosterMemberRemoved',
    data: {
      memberId: required(flags, 'remove'),
      orgId: required(flags, 'org'),
      removedOn: optional(flags, 'on') ?? chinaDay(now),
      ...(reason ? { reason } : {}),
    },
  };
}

// ── Pledge progress (践诺), tallies (计票), deeds (办实事), visits (走访) ─────────────────

export const currentQuarter = (now: Date): string => {
  const day = chinaDay(now);
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
};

export function progressDraft(flags: Flags, now: Date): CountyDraft {
  return {
    type: 'county.PledgeProgressReported',
    data: {
      pledgeId: required(flags, 'pledge'),
      orgId: required(flags, 'org'),
      memberId: optional(flags, 'member') ?? null,
      quarter: optional(flags, 'quarter') ?? currentQuarter(now),
      itemsPledged: count(flags, 'items'),
      itemsCompleted: count(flags, 'done'),
      reportedOn: optional(flags, 'on') ?? chinaDay(now),
      note: optional(flags, 'note') ?? '按期推进承诺事项',
    },
  };
}

/** `tallies review …` (民主评议党员) or `tallies mass …` (群众评议). */
export function tallyDraft(kind: string | undefined, flags: Flags, now: Date): CountyDraft {
  if (kind !== 'review' && kind !== 'mass') throw new UsageError('tallies 须指明 review（民主评议党员）或 mass（群众评议）');
  const common = {
    orgId: required(flags, 'org'),
    heldOn: optional(flags, 'on') ?? chinaDay(now),
    ballotsIssued: count(flags, 'issued'),
    ballotsReturned: count(flags, 'returned'),
  };
  if (kind === 'review')
    return {
      type: 'county.DemocraticReviewTallied',
      data: {
        ...common,
        memberId: required(flags, 'member'),
        year: Number(optional(flags, 'year') ?? chinaDay(now).slice(0, 4)),
        votes: {
          excellent: count(flags, 'excellent', 0),
          qualified: count(flags, 'qualified', 0),
          basically_qualified: count(flags, 'basically-qualified', 0),
          unqualified: count(flags, 'unqualified', 0),
        },
      },
    };
  return {
    type: 'county.MassEvaluationTallied',
    data: {
      ...common,
      memberId: optional(flags, 'member') ?? null,
      period: optional(flags, 'period') ?? chinaDay(now).slice(0, 4),
      votes: {
        satisfied: count(flags, 'satisfied', 0),
        basically_satisfied: count(flags, 'basically-satisfied', 0),
        dissatisfied: count(flags, 'dissatisfied', 0),
      },
    },
  };
}

export function deedDraft(flags: Flags, now: Date, newId: () => string = randomUUID): CountyDraft {
  const amount = optional(flags, 'amount-fen');
  const helperOrgId = optional(flags, 'helper-org');
  const description = optional(flags, 'description');
  return {
    type: 'county.DeedRecorded',
    data: {
      deedId: optional(flags, 'deed') ?? newId(),
      orgId: required(flags, 'org'),
      helperUnitName: required(flags, 'helper-unit'),
      ...(helperOrgId ? { helperOrgId } : {}),
      category: optional(flags, 'category') ?? 'road_hardening',
      title: required(flags, 'title'),
      ...(description ? { description } : {}),
      doneOn: optional(flags, 'on') ?? chinaDay(now),
      ...(amount !== undefined ? { amountFen: count(flags, 'amount-fen') } : {}),
    },
  };
}

export function visitDraft(flags: Flags, now: Date, newId: () => string = randomUUID): CountyDraft {
  return {
    type: 'county.VisitLogged',
    data: {
      visitId: optional(flags, 'visit') ?? newId(),
      cadreId: required(flags, 'cadre'),
      cadreName: required(flags, 'cadre-name'),
      orgId: required(flags, 'org'),
      visitedOn: optional(flags, 'on') ?? chinaDay(now),
      householdRefs: list(required(flags, 'households').replace(/,/g, '|')),
      summary: optional(flags, 'summary') ?? '走访联系户，了解生产生活情况',
    },
  };
}

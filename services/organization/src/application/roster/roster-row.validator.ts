import { codePointLength } from '@vanguard/kernel';
import {
  MEMBER_ROLES,
  MEMBER_STATUSES,
  VANGUARD_POSTS,
  type MemberRole,
  type MemberStatus,
  type VanguardPost,
} from '../../domain/member/member.vocabulary';
import { idNumberProblem } from '../../domain/member/id-number';
import { phoneProblem } from '../../domain/member/personal-data.value-object';
import { MemberCannotJoinInTheFutureRule } from '../../domain/member/rules/member-cannot-join-in-the-future.rule';
import { MemberIsFullFromAYearAfterJoiningRule } from '../../domain/member/rules/member-is-full-from-a-year-after-joining.rule';
import { MemberJoinsAtEighteenOrOlderRule } from '../../domain/member/rules/member-joins-at-eighteen-or-older.rule';
import {
  ORG_KINDS,
  ORG_LEVELS,
  SECTORS,
  type OrgKind,
  type OrgLevel,
  type Sector,
} from '../../domain/organization/organization.vocabulary';
import { OrganizationCannotBeEstablishedInTheFutureRule } from '../../domain/organization/rules/organization-cannot-be-established-in-the-future.rule';
import { OrganizationNameMustBePlainTextRule } from '../../domain/organization/rules/organization-name-must-be-plain-text.rule';
import { OrganizationNameMustNotCarryPersonalNumbersRule } from '../../domain/organization/rules/organization-name-must-not-carry-personal-numbers.rule';
import { unstorableCells } from '@vanguard/spreadsheet';
import { isDay } from '../../domain/shared/day';
import { publishedTextCarriesNoPersonalNumbers } from '../../domain/shared/published-reason.rule';
import { DAY_YEARS, personalNumbersPublishedIn } from '@vanguard/contracts';
import type { RowError } from './roster-format';

const YEARS = `${DAY_YEARS.first}–${DAY_YEARS.last}`;

export interface MemberRow {
  readonly orgCode: string;
  readonly name: string;
  readonly status: MemberStatus;
  readonly joinedOn: string;
  readonly roles: MemberRole[];
  readonly posts: VanguardPost[];
  readonly idNumber: string | null;
  readonly phone: string | null;
}

export interface OrganizationRow {
  readonly code: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly kind: OrgKind;
  readonly sector: Sector;
  readonly parentCode: string;
  readonly establishedOn: string;
  readonly temporary: boolean;
}

type Cells = Readonly<Record<string, string | undefined>>;
type Parsed<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

const cell = (cells: Cells, c: string): string => (cells[c] ?? '').trim();
const list = (v: string): string[] =>
  v
    .split(/[;；|,，]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The platform's one text check over every cell (libs/spreadsheet): a file's text reaches Postgres like a body's. */
function badText(cells: Cells, bad: (column: string, reason: string) => void): void {
  for (const { column, reason } of unstorableCells(cells)) bad(column, reason);
}

/** The most of a cell a row's reason quotes: a job keeps a thousand reasons, each read on every poll. */
const QUOTED_CHARS = 40;

/**
 * A cell as a row's reason may quote it: its first {@link QUOTED_CHARS} characters, and not at all
 * when they read as (or begin) an ID-card or phone number. A job's errors are read by roles that
 * see those only masked, and a cell that slipped one column put a whole ID number into
 * "unknown role …" (a hostile probe); a 60,000-character cell was quoted whole, twice, in each of
 * a thousand reasons.
 */
export const shownCell = (value: string): string => {
  const points = [...value.slice(0, 4 * QUOTED_CHARS)];
  // Read past the cut by the widest a number is read written (18 digits, up to 4 characters
  // between each two), so one that begins before the cut is seen whole.
  if (personalNumbersPublishedIn(points.slice(0, QUOTED_CHARS + 18 + 17 * 4).join('')).length > 0)
    return '（疑似身份证号或电话号码，不予显示 / looks like a personal number, not shown）';
  return points.length > QUOTED_CHARS || value.length > 4 * QUOTED_CHARS ? `${points.slice(0, QUOTED_CHARS).join('')}…` : value;
};

/**
 * Checks one roster row on its own (format, vocabulary, dates); references to other rows
 * or stored organisations are checked by the importer. Every bad cell is reported.
 */
export function parseMemberRow(row: number, cells: Cells, today: string): Parsed<MemberRow> {
  const errors: RowError[] = [];
  const bad = (column: string, reason: string) => errors.push({ row, column, reason });
  badText(cells, bad);
  const orgCode = cell(cells, 'org_code');
  if (!/^[0-9]{2,30}$/.test(orgCode)) bad('org_code', '组织代码须为 2–30 位数字 / org_code must be 2–30 digits');
  const name = cell(cells, 'name');
  if (!name || codePointLength(name) > 100) bad('name', '姓名不能为空且不超过 100 字 / name is required, at most 100 characters');
  // The rule enrolment asks (MemberJoined publishes the name in clear).
  const publicName = publishedTextCarriesNoPersonalNumbers('MEMBER.NAME_HAS_PERSONAL_NUMBER', name, '姓名 / the name');
  if (publicName.isBroken()) bad('name', publicName.message);
  const joinedOn = cell(cells, 'joined_on');
  const stated = cell(cells, 'status');
  if (stated && !(MEMBER_STATUSES as readonly string[]).includes(stated))
    bad('status', `党员状态须为 ${MEMBER_STATUSES.join('/')} / status must be one of ${MEMBER_STATUSES.join(', ')}`);
  let status = stated || 'full';
  if (!isDay(joinedOn)) bad('joined_on', `入党日期须为 YYYY-MM-DD（${YEARS} 年）/ joined_on must be a date YYYY-MM-DD (years ${YEARS})`);
  else {
    const future = new MemberCannotJoinInTheFutureRule(joinedOn, today);
    if (future.isBroken()) bad('joined_on', future.message);
    // A blank status is what the joining day allows (ADR 0154): probationary within his first
    // year, full after it. A file without the column held 预备党员 nobody had marked.
    const probation = new MemberIsFullFromAYearAfterJoiningRule(joinedOn, today);
    if (!stated) status = probation.isBroken() ? 'probationary' : 'full';
    else if (stated === 'full' && probation.isBroken() && !future.isBroken()) bad('status', probation.message);
  }
  const roles = list(cell(cells, 'roles'));
  for (const r of roles)
    if (!(MEMBER_ROLES as readonly string[]).includes(r)) bad('roles', `未知职务 ${shownCell(r)} / unknown role ${shownCell(r)}`);
  const posts = list(cell(cells, 'posts'));
  for (const p of posts)
    if (!(VANGUARD_POSTS as readonly string[]).includes(p))
      bad('posts', `未知岗位 ${shownCell(p)} / unknown vanguard post ${shownCell(p)}`);
  const idNumber = cell(cells, 'id_number').toUpperCase() || null;
  const idProblem = idNumber && idNumberProblem(idNumber, today);
  if (idProblem) bad('id_number', idProblem);
  else if (isDay(joinedOn)) {
    const age = new MemberJoinsAtEighteenOrOlderRule(idNumber, joinedOn);
    if (age.isBroken()) bad('joined_on', age.message);
  }
  const phone = cell(cells, 'phone') || null;
  const phProblem = phone && phoneProblem(phone);
  if (phProblem) bad('phone', phProblem);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      orgCode,
      name,
      status: status as MemberStatus,
      joinedOn,
      roles: [...new Set(roles)] as MemberRole[],
      posts: [...new Set(posts)] as VanguardPost[],
      idNumber,
      phone,
    },
  };
}

export function parseOrganizationRow(row: number, cells: Cells, today: string): Parsed<OrganizationRow> {
  const errors: RowError[] = [];
  const bad = (column: string, reason: string) => errors.push({ row, column, reason });
  badText(cells, bad);
  const code = cell(cells, 'code');
  if (!/^[0-9]{2,30}$/.test(code)) bad('code', '组织代码须为 2–30 位数字 / code must be 2–30 digits');
  const name = cell(cells, 'name');
  if (!name || codePointLength(name) > 200) bad('name', '组织名称不能为空且不超过 200 字 / name is required, at most 200 characters');
  // The rules registration and rename ask: an imported name is published and shown the same way.
  for (const rule of [new OrganizationNameMustBePlainTextRule(name), new OrganizationNameMustNotCarryPersonalNumbersRule(name)])
    if (rule.isBroken()) bad('name', rule.message);
  const level = cell(cells, 'level');
  if (!(ORG_LEVELS as readonly string[]).includes(level))
    bad('level', `层级须为 ${ORG_LEVELS.join('/')} / level must be one of ${ORG_LEVELS.join(', ')}`);
  const kind = cell(cells, 'kind');
  if (!(ORG_KINDS as readonly string[]).includes(kind))
    bad('kind', `组织类别须为 ${ORG_KINDS.join('/')} / kind must be one of ${ORG_KINDS.join(', ')}`);
  const sector = cell(cells, 'sector');
  if (!(SECTORS as readonly string[]).includes(sector))
    bad('sector', `领域须为 ${SECTORS.join('/')} / sector must be one of ${SECTORS.join(', ')}`);
  const parentCode = cell(cells, 'parent_code');
  if (!/^[0-9]{2,30}$/.test(parentCode)) bad('parent_code', '上级组织代码须为 2–30 位数字 / parent_code must be 2–30 digits');
  else if (code && !(code.startsWith(parentCode) && code.length > parentCode.length))
    bad('code', '组织代码须以上级代码开头 / code must extend parent_code');
  const establishedOn = cell(cells, 'established_on');
  if (!isDay(establishedOn))
    bad('established_on', `建立日期须为 YYYY-MM-DD（${YEARS} 年）/ established_on must be a date YYYY-MM-DD (years ${YEARS})`);
  else {
    const future = new OrganizationCannotBeEstablishedInTheFutureRule(establishedOn, today);
    if (future.isBroken()) bad('established_on', future.message);
  }
  const temporaryRaw = cell(cells, 'temporary').toLowerCase();
  if (!['', 'true', 'false', '是', '否', '1', '0'].includes(temporaryRaw))
    bad('temporary', '临时党组织须为 true/false / temporary must be true or false');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      code,
      name,
      level: level as OrgLevel,
      kind: kind as OrgKind,
      sector: sector as Sector,
      parentCode,
      establishedOn,
      temporary: ['true', '是', '1'].includes(temporaryRaw),
    },
  };
}

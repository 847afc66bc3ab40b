import { MemberJoined } from '@vanguard/contracts';
import { parseMemberRow, parseOrganizationRow } from './roster-row.validator';
import { MemberIsFullFromAYearAfterJoiningRule } from '../../domain/member/rules/member-is-full-from-a-year-after-joining.rule';
import { MemberJoinsAtEighteenOrOlderRule } from '../../domain/member/rules/member-joins-at-eighteen-or-older.rule';
import { OrganizationNameMustBePlainTextRule } from '../../domain/organization/rules/organization-name-must-be-plain-text.rule';
import { OrganizationCannotBeEstablishedInTheFutureRule } from '../../domain/organization/rules/organization-cannot-be-established-in-the-future.rule';
import { OrganizationNameMustNotCarryPersonalNumbersRule } from '../../domain/organization/rules/organization-name-must-not-carry-personal-numbers.rule';

describe(parseMemberRow.name, () => {
  it('accepts a complete row and splits lists', () => {
    const sut = parseMemberRow(
      2,
      {
        org_code: '910425101201',
        name: '张红梅',
        status: 'probationary',
        joined_on: '2010-07-01',
        roles: 'secretary;party_worker',
        posts: 'pioneer_post',
        id_number: '11010119800101103x',
        phone: '13800005678',
      },
      '2011-01-01',
    );
    expect(sut).toEqual({
      ok: true,
      value: {
        orgCode: '910425101201',
        name: '张红梅',
        status: 'probationary',
        joinedOn: '2010-07-01',
        roles: ['secretary', 'party_worker'],
        posts: ['pioneer_post'],
        idNumber: '11010119800101103X',
        phone: '13800005678',
      },
    });
  });

  it('refuses an ID number whose check digit does not match, as enrolment does, naming its row and column', () => {
    const row = { org_code: '910425101201', name: '张红梅', status: 'full', joined_on: '2009-07-01', id_number: '110101198001011031' };
    expect(parseMemberRow(3, row, '2011-01-01')).toEqual({
      ok: false,
      errors: [{ row: 3, column: 'id_number', reason: expect.stringContaining('check digit does not match') }],
    });
  });

  // Columns swapped by hand put the ID number under phone, whose shape takes eighteen digits.
  it('refuses an ID number in the phone column, and the phone in the ID number column, naming each', () => {
    const row = {
      org_code: '910425101201',
      name: '张红梅',
      status: 'full',
      joined_on: '2009-07-01',
      id_number: '13800005678',
      phone: '110101198001011013',
    };
    expect(parseMemberRow(3, row, '2011-01-01')).toEqual({
      ok: false,
      errors: [
        { row: 3, column: 'id_number', reason: expect.stringContaining('an ID number is 17 digits') },
        {
          row: 3,
          column: 'phone',
          reason: '电话号码是一个身份证号，请核对是否填错了位置 / the phone is an ID number: check it was not entered in the wrong place',
        },
      ],
    });
    // Eighteen digits that are no ID number (a check digit off) are a phone as before.
    const phone = parseMemberRow(3, { ...row, id_number: '', phone: '110101198001011014' }, '2011-01-01');
    expect(phone).toMatchObject({ ok: true, value: { phone: '110101198001011014' } });
  });

  it('reports every bad cell with its row, column and a bilingual reason', () => {
    const sut = parseMemberRow(
      7,
      { org_code: 'abc', name: '', status: 'maybe', joined_on: '2010-02-30', roles: 'king', id_number: '123', phone: 'x' },
      '2011-01-01',
    );
    expect(sut.ok).toBe(false);
    const errors = sut.ok ? [] : sut.errors;
    expect(errors.map((e) => e.column)).toEqual(['org_code', 'name', 'status', 'joined_on', 'roles', 'id_number', 'phone']);
    expect(errors.every((e) => e.row === 7 && /[\u4e00-\u9fff].*\/ [a-z_]/.test(e.reason))).toBe(true);
  });

  it('refuses a joining date in year 0000 as an error of its row and column', () => {
    const sut = parseMemberRow(4, { org_code: '910425101201', name: '王', status: 'full', joined_on: '0000-01-01' }, '2011-01-01');
    expect(sut.ok ? [] : sut.errors).toEqual([{ row: 4, column: 'joined_on', reason: expect.stringContaining('1900–2099') }]);
  });

  it('refuses a name carrying a personal number (MemberJoined publishes it), and quotes no cell that reads as one', () => {
    const sut = parseMemberRow(
      5,
      { org_code: '9104', name: '测 110101199003071234', joined_on: '2001-07-01', roles: '13812340000', posts: '' },
      '2011-01-01',
    );
    expect(sut.ok).toBe(false);
    const errors = sut.ok ? [] : sut.errors;
    expect(errors.map((e) => e.column)).toEqual(['name', 'roles']);
    expect(JSON.stringify(errors)).not.toMatch(/110101199003071234|13812340000/);
  });

  it('quotes at most forty characters of a bad cell, and none of one whose quoted part begins a personal number', () => {
    const row = (roles: string) =>
      parseMemberRow(6, { org_code: '9104', name: '王红梅', joined_on: '2001-07-01', roles, posts: '' }, '2011-01-01');
    const reasons = (roles: string) => {
      const r = row(roles);
      return r.ok ? [] : r.errors.map((e) => e.reason);
    };
    const [long] = reasons('组'.repeat(60_000));
    expect(long!.length).toBeLessThan(200);
    expect(long).toContain(`${'组'.repeat(40)}…`);
    // A phone number that begins before the cut and runs past it is not shown in part.
    const [straddling] = reasons(`${'组'.repeat(35)}13812340000${'组'.repeat(100)}`);
    expect(straddling).not.toMatch(/138/);
    expect(straddling).toContain('不予显示');
    // Nor one spaced out wide (four spaces between its digits), beginning inside the quoted part.
    const [spaced] = reasons(`组${[...'110101199003077777'].join('    ')}`);
    expect(spaced).toContain('不予显示');
    expect(reasons('组长x')).toEqual([expect.stringContaining('未知职务 组长x / unknown role 组长x')]);
  });

  it('counts a name in characters as enrolment and MemberJoined’s contract do: a rare character (two UTF-16 units) is one', () => {
    for (const n of [100, 101]) {
      const name = '𠀀'.repeat(n);
      const imported = parseMemberRow(2, { org_code: '9104', name, joined_on: '2001-07-01' }, '2011-01-01').ok;
      expect([n, imported, MemberJoined.schema.shape.name.safeParse(name).success]).toEqual([n, n <= 100, n <= 100]);
    }
  });

  it('refuses a joining date after today', () => {
    for (const status of ['', 'full']) {
      const sut = parseMemberRow(3, { org_code: '9104', name: '王', joined_on: '2012-01-01', status }, '2011-01-01');
      expect([status, sut.ok ? [] : sut.errors.map((e) => e.column)]).toEqual([status, ['joined_on']]);
    }
  });

  it('refuses a joining date before the eighteenth birthday by the rule enrolment asks, quoting neither date', () => {
    const row = (joined_on: string) => ({ org_code: '9104', name: '王', joined_on, id_number: '11010119800101103X' });
    const sut = parseMemberRow(4, row('1997-12-31'), '2011-01-01');
    const reason = new MemberJoinsAtEighteenOrOlderRule('11010119800101103X', '1997-12-31').message;
    expect(sut).toEqual({ ok: false, errors: [{ row: 4, column: 'joined_on', reason }] });
    expect(reason).not.toMatch(/1980|1997/);
    expect(parseMemberRow(4, row('1998-01-01'), '2011-01-01').ok).toBe(true);
  });

  it('reads a blank status as the joining day allows: probationary within the first year, full from its anniversary (ADR 0154)', () => {
    const statusOf = (joined_on: string) => {
      const sut = parseMemberRow(5, { org_code: '9104', name: '王', joined_on, status: '' }, '2011-01-01');
      return sut.ok ? sut.value.status : sut.errors;
    };
    expect([statusOf('2010-01-02'), statusOf('2010-01-01'), statusOf('2011-01-01')]).toEqual(['probationary', 'full', 'probationary']);
  });

  it('refuses a row stating full within the first year by the rule enrolment asks, naming the status cell', () => {
    const sut = parseMemberRow(6, { org_code: '9104', name: '王', joined_on: '2010-03-01', status: 'full' }, '2011-01-01');
    const reason = new MemberIsFullFromAYearAfterJoiningRule('2010-03-01', '2011-01-01').message;
    expect(sut).toEqual({ ok: false, errors: [{ row: 6, column: 'status', reason }] });
    expect(reason).toContain('2011-03-01');
  });
});

const TODAY = '2026-06-01';

describe(parseOrganizationRow.name, () => {
  it('refuses an establishment day after today by the rule registration asks', () => {
    const sut = parseOrganizationRow(
      4,
      {
        code: '910425101295',
        name: '明日支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parent_code: '910425101',
        established_on: '2026-06-02',
      },
      TODAY,
    );
    expect(sut.ok ? [] : sut.errors).toEqual([
      { row: 4, column: 'established_on', reason: new OrganizationCannotBeEstablishedInTheFutureRule('2026-06-02', TODAY).message },
    ]);
  });

  it('refuses a code that does not extend the parent code', () => {
    const sut = parseOrganizationRow(
      2,
      {
        code: '920425101',
        name: 'x',
        level: 'township',
        kind: 'committee',
        sector: 'rural',
        parent_code: '910425',
        established_on: '2001-01-01',
      },
      TODAY,
    );
    expect(sut.ok ? [] : sut.errors).toEqual([{ row: 2, column: 'code', reason: expect.stringContaining('parent_code') }]);
  });

  it.each(['0000-01-01', '0000-12-31'])('refuses an establishment day %s (no year 0) as an error of its row and column', (day) => {
    const sut = parseOrganizationRow(
      5,
      {
        code: '910425101298',
        name: '零年支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parent_code: '910425101',
        established_on: day,
      },
      TODAY,
    );
    expect(sut.ok ? [] : sut.errors).toEqual([{ row: 5, column: 'established_on', reason: expect.stringContaining('1900–2099') }]);
  });

  it('accepts the first and last days of years 1900–2099, and refuses the days either side', () => {
    const row = (established_on: string) =>
      parseOrganizationRow(
        2,
        {
          code: '910425101297',
          name: 'x',
          level: 'village',
          kind: 'branch',
          sector: 'rural',
          parent_code: '910425101',
          established_on,
        },
        '2099-12-31',
      );
    expect([row('1900-01-01').ok, row('2099-12-31').ok, row('1899-12-31').ok, row('2100-01-01').ok]).toEqual([true, true, false, false]);
  });

  it('reads 是/否 as the temporary flag', () => {
    const sut = parseOrganizationRow(
      2,
      {
        code: '910425101299',
        name: '项目临时党支部',
        level: 'village',
        kind: 'branch',
        sector: 'state_enterprise',
        parent_code: '910425101',
        established_on: '2011-03-01',
        temporary: '是',
      },
      TODAY,
    );
    expect(sut.ok && sut.value.temporary).toBe(true);
  });
});

describe(`${parseOrganizationRow.name} and the published name`, () => {
  const row = (name: string) =>
    parseOrganizationRow(
      7,
      {
        code: '910425101296',
        name,
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parent_code: '910425101',
        established_on: '2011-03-01',
      },
      TODAY,
    );

  it('refuses a name carrying a phone or ID-card number, as registration and rename do', () => {
    for (const name of ['红石村联系电话13800138000', '联系人张三13800138000身份证110105194912310021', '红石村 138 0013 8000'])
      expect([name, row(name).ok ? [] : (row(name) as { errors: unknown[] }).errors]).toEqual([
        name,
        [{ row: 7, column: 'name', reason: new OrganizationNameMustNotCarryPersonalNumbersRule(name).message }],
      ]);
  });

  it('refuses a name with markup, as registration and rename do', () => {
    const name = '红石村<img src=x onerror=alert(1)>';
    expect(row(name)).toEqual({
      ok: false,
      errors: [{ row: 7, column: 'name', reason: new OrganizationNameMustBePlainTextRule(name).message }],
    });
  });

  it('accepts a name with ordinary numbers in it', () => {
    expect(row('第3网格2024年党支部').ok).toBe(true);
  });
});

import { seededRandom } from '@vanguard/testing';
import { withCheckDigit } from '../../../test/support/id-numbers';
import type { DomainError } from '../shared/domain-error';
import { MemberJoined } from '@vanguard/contracts';
import { Member, type EnrolMember } from './member.aggregate';

const enrol = (over: Partial<EnrolMember> = {}): EnrolMember => ({
  id: 'm-1',
  orgId: 'org-a',
  name: '张红梅',
  status: 'full',
  joinedOn: '2001-07-01',
  roles: ['secretary'],
  posts: [],
  idNumber: '11010119800101103x',
  phone: '13800005678',
  ...over,
});
const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};

describe(Member.name, () => {
  it('join records MemberJoined without the ID number or phone', () => {
    const sut = Member.join(enrol(), '2011-01-01');

    const [event] = sut.pullEvents();

    expect(event).toMatchObject({ name: 'MemberJoined', data: { memberId: 'm-1', orgId: 'org-a', roles: ['secretary'] } });
    expect(JSON.stringify(event)).not.toContain('110101');
    expect(JSON.stringify(event)).not.toContain('13800005678');
    expect(sut.personal.idNumber).toBe('11010119800101103X');
    expect(sut.personal.maskedIdNumber()).toBe('1101**********103X');
  });

  it('join and restate refuse a name carrying an ID-card or phone number: MemberJoined publishes it in clear', () => {
    for (const name of ['测 110101199003071234', '张三13812345678'])
      expect([name, codeOf(() => Member.join(enrol({ name }), '2011-01-01'))]).toEqual([name, 'MEMBER.NAME_HAS_PERSONAL_NUMBER']);
    const sut = Member.join(enrol(), '2011-01-01');
    expect(
      codeOf(() => sut.restate({ name: '张三 138 1234 5678', status: 'full', joinedOn: sut.joinedOn, roles: [], posts: [] }, '2011-02-01')),
    ).toBe('MEMBER.NAME_HAS_PERSONAL_NUMBER');
  });

  it('join counts a name in characters as MemberJoined’s contract does: a rare character (two UTF-16 units) is one', () => {
    const rare = (n: number) => '𠀀'.repeat(n);
    expect(codeOf(() => Member.join(enrol({ name: rare(100) }), '2011-01-01'))).toBe('no error');
    expect(codeOf(() => Member.join(enrol({ name: rare(101) }), '2011-01-01'))).toBe('MEMBER.NAME_INVALID');
    for (const n of [100, 101]) expect([n, MemberJoined.schema.shape.name.safeParse(rare(n)).success]).toEqual([n, n <= 100]);
  });

  it('join refuses a joining date in the future', () => {
    expect(codeOf(() => Member.join(enrol({ joinedOn: '2030-01-01' }), '2011-01-01'))).toBe('MEMBER.JOINED_IN_FUTURE');
  });

  it('join and leave refuse a day the calendar or Postgres has not: a county message reaches the aggregate with its pattern checked only', () => {
    for (const day of ['0000-01-01', '2011-02-30', '2011-13-01'])
      expect([day, codeOf(() => Member.join(enrol({ joinedOn: day }), '2011-06-01'))]).toEqual([day, 'DAY.INVALID']);
    const sut = Member.join(enrol(), '2011-01-01');
    expect(codeOf(() => sut.leave('0000-06-01', '2011-06-01'))).toBe('DAY.INVALID');
    sut.leave('2011-06-01', '2011-06-01');
  });

  it('leave refuses a day before the member joined or after today, and stays active (a county names its own day)', () => {
    const sut = Member.join(enrol(), '2011-01-01');
    for (const [on, today] of [
      ['2099-12-31', '2011-06-01'],
      ['2011-06-02', '2011-06-01'],
      ['1900-01-01', '2011-06-01'],
    ] as const)
      expect([on, codeOf(() => sut.leave(on, today))]).toEqual([on, 'MEMBER.LEFT_ON_OUT_OF_RANGE']);
    expect(sut.pullEvents().filter((e) => e.name === 'MemberLeft')).toEqual([]);
    sut.leave(sut.joinedOn, '2011-06-01');
    expect(sut.pullEvents().filter((e) => e.name === 'MemberLeft')).toHaveLength(1);
  });

  it('leave refuses a reason carrying a personal number however written (MemberLeft is published in clear), and stays active', () => {
    const sut = Member.join(enrol(), '2011-01-01');
    for (const reason of ['迁往外地，联系138.0013.8000', '户主张三一三八〇〇一三八〇〇〇四组', '身份证 11010119800101103X'])
      expect([reason, codeOf(() => sut.leave('2011-06-01', '2011-06-01', reason))]).toEqual([reason, 'MEMBER.REASON_HAS_PERSONAL_NUMBER']);
    expect(sut.pullEvents().filter((e) => e.name === 'MemberLeft')).toEqual([]);
    sut.leave('2011-06-01', '2011-06-01', '迁往外地');
    expect(sut.pullEvents().filter((e) => e.name === 'MemberLeft')).toHaveLength(1);
  });

  it('join refuses a malformed ID number', () => {
    expect(codeOf(() => Member.join(enrol({ idNumber: '1234' }), '2011-01-01'))).toBe('MEMBER.ID_NUMBER_INVALID');
  });

  it('join refuses a joining day before the eighteenth birthday the ID number gives, and takes the birthday itself', () => {
    const born = (ymd: string) => withCheckDigit(`110101${ymd}103`);
    for (const [idNumber, joinedOn, code] of [
      [born('19800101'), '1997-12-31', 'MEMBER.JOINED_UNDER_EIGHTEEN'],
      [born('19800101'), '1998-01-01', 'no error'],
      [born('19920229'), '2010-02-28', 'MEMBER.JOINED_UNDER_EIGHTEEN'],
      [born('19920229'), '2010-03-01', 'no error'],
      [born('19920229'), '2012-02-28', 'no error'],
      [born('19931231').toLowerCase(), '2011-12-30', 'MEMBER.JOINED_UNDER_EIGHTEEN'],
      [null, '1990-01-01', 'no error'],
    ] as const)
      expect([idNumber, joinedOn, codeOf(() => Member.join(enrol({ idNumber, joinedOn }), '2026-12-06'))]).toEqual([
        idNumber,
        joinedOn,
        code,
      ]);
  });

  it('judges the joining age as a calendar would, over random birth and joining days (an independent reckoning)', () => {
    const rnd = seededRandom(151);
    const day = (from: number, span: number) =>
      new Date(Date.UTC(from, 0, 1) + Math.floor(rnd() * span) * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 3000; i++) {
      const birth = day(1930, 365 * 70);
      const joinedOn = day(Number(birth.slice(0, 4)) + 16, 365 * 4);
      const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
      const [jy, jm, jd] = joinedOn.split('-').map(Number) as [number, number, number];
      const age = jy - by - (jm < bm || (jm === bm && jd < bd) ? 1 : 0);
      const code = codeOf(() =>
        Member.join(enrol({ idNumber: withCheckDigit(`110101${birth.replace(/-/g, '')}103`), joinedOn }), '2026-12-06'),
      );
      expect([birth, joinedOn, code]).toEqual([birth, joinedOn, age >= 18 ? 'no error' : 'MEMBER.JOINED_UNDER_EIGHTEEN']);
    }
  });

  it('assignRole refuses a role the member already holds', () => {
    const sut = Member.join(enrol(), '2011-01-01');
    expect(codeOf(() => sut.assignRole('secretary', '2011-02-01'))).toBe('MEMBER.ROLE_ALREADY_HELD');
  });

  it('assignRole records MemberRoleAssigned and a history line', () => {
    const sut = Member.join(enrol({ roles: [] }), '2011-01-01');
    sut.pullEvents();
    sut.assignRole('first_secretary', '2011-02-01');
    expect(sut.pullEvents()[0]).toMatchObject({ name: 'MemberRoleAssigned', data: { role: 'first_secretary', assignedOn: '2011-02-01' } });
    expect(sut.history.map((h) => h.kind)).toEqual(['joined', 'role_assigned']);
  });

  it('a member who left cannot take a role', () => {
    const sut = Member.join(enrol(), '2011-01-01');
    sut.leave('2011-03-01', '去世');
    expect(codeOf(() => sut.assignRole('party_worker', '2011-04-01'))).toBe('MEMBER.NOT_ACTIVE');
  });
});

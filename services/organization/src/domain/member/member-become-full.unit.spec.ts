import { seededRandom } from '@vanguard/testing';
import type { DomainError } from '../shared/domain-error';
import { Member, type EnrolMember } from './member.aggregate';

const TODAY = '2026-12-06';
const enrol = (over: Partial<EnrolMember> = {}): EnrolMember => ({
  id: 'm-1',
  orgId: 'org-a',
  name: '张红梅',
  status: 'probationary',
  joinedOn: '2024-07-01',
  roles: [],
  posts: [],
  ...over,
});
const probationary = (joinedOn = '2024-07-01'): Member => {
  const m = Member.join(enrol({ joinedOn }), TODAY);
  m.pullEvents();
  return m;
};
const refusalOf = (fn: () => void): { code: string; kind: string; message: string } | 'no error' => {
  try {
    fn();
  } catch (e) {
    const { code, kind, message } = e as DomainError;
    return { code, kind, message };
  }
  return 'no error';
};
const codeOf = (fn: () => void): string => {
  const r = refusalOf(fn);
  return r === 'no error' ? r : r.code;
};
const seen = (m: Member) => ({ status: m.status, history: m.history.map((h) => `${h.on} ${h.kind}`), events: m.pullEvents().length });

// 预备党员转正 (ADR 0154, its event ADR 0155): a year's probation from joining, extended by a year at most.
describe(`${Member.name}.becomeFull`, () => {
  it('becomeFull_OnTheFirstAnniversary_MakesHimFullWithAHistoryLineOfThatDay_AndMemberBecameFull', () => {
    const sut = probationary();

    sut.becomeFull('2025-07-01', TODAY);

    expect(sut.history[1]).toEqual({ on: '2025-07-01', kind: 'became_full', orgId: 'org-a', detail: null });
    expect(sut.pullEvents()).toEqual([
      {
        name: 'MemberBecameFull',
        stream: 'member',
        aggregateId: 'm-1',
        orgId: 'org-a',
        data: { memberId: 'm-1', orgId: 'org-a', fullOn: '2025-07-01' },
      },
    ]);
    expect(seen(sut)).toEqual({ status: 'full', history: ['2024-07-01 joined', '2025-07-01 became_full'], events: 0 });
  });

  it('becomeFull_TheDayBeforeTheFirstAnniversary_IsRefusedNamingTheDayProbationEnds_AndChangesNothing', () => {
    const sut = probationary();
    const before = seen(probationary());

    const refusal = refusalOf(() => sut.becomeFull('2025-06-30', TODAY));

    expect(refusal).toEqual({ code: 'MEMBER.FULL_BEFORE_PROBATION_ENDS', kind: 'rule', message: expect.stringContaining('2025-07-01') });
    expect(seen(sut)).toEqual(before);
  });

  it('becomeFull_AfterAnExtension_IsAcceptedToTheSecondAnniversary_AndRefusedTheDayAfter', () => {
    const onTheDay = probationary();
    onTheDay.becomeFull('2026-07-01', TODAY);
    const late = probationary();

    expect(onTheDay.status).toBe('full');
    expect(refusalOf(() => late.becomeFull('2026-07-02', TODAY))).toEqual({
      code: 'MEMBER.PROBATION_OVERRUN',
      kind: 'rule',
      message: expect.stringContaining('2026-07-01'),
    });
    expect(late.status).toBe('probationary');
  });

  it('becomeFull_ForOneWhoJoinedOn29February_TakesThe1MarchAfterAYear_AndAWholeYearsExtensionFromIt', () => {
    for (const [on, code] of [
      ['2025-02-28', 'MEMBER.FULL_BEFORE_PROBATION_ENDS'],
      ['2025-03-01', 'no error'],
      ['2026-03-01', 'no error'],
      ['2026-03-02', 'MEMBER.PROBATION_OVERRUN'],
    ] as const)
      expect([on, codeOf(() => probationary('2024-02-29').becomeFull(on, '2030-01-01'))]).toEqual([on, code]);
    const refusal = refusalOf(() => probationary('2024-02-29').becomeFull('2025-02-28', TODAY));
    expect(refusal !== 'no error' && refusal.message).toContain('2025-03-01');
  });

  it('becomeFull_DatedBeforeALaterTransfer_RecordsTheLineInTheBranchHeBelongedToThatDay', () => {
    const sut = probationary();
    sut.transferTo('org-b', 't-1', '2025-09-01');
    sut.moveWithMergedOrganization('org-c', '2025-10-01');

    sut.becomeFull('2025-07-01', TODAY);
    const after = probationary();
    after.transferTo('org-b', 't-2', '2025-06-30');
    after.becomeFull('2025-07-01', TODAY);

    expect(sut.history.at(-1)).toMatchObject({ kind: 'became_full', orgId: 'org-a' });
    expect(sut.orgId).toBe('org-c');
    // The event goes where he is now: his county today is the one to be told (ADR 0155).
    expect(sut.pullEvents().at(-1)).toMatchObject({ name: 'MemberBecameFull', orgId: 'org-c', data: { orgId: 'org-c' } });
    expect(after.history.at(-1)).toMatchObject({ kind: 'became_full', orgId: 'org-b' });
  });

  it('join_AsFull_RecordsMemberJoinedAlone: he joins full, no 转正 follows (ADR 0155)', () => {
    const sut = Member.join(enrol({ status: 'full', joinedOn: '2020-07-01' }), TODAY);

    expect(sut.pullEvents().map((e) => e.name)).toEqual(['MemberJoined']);
  });

  it('becomeFull_OnTodayItself_IsAccepted', () => {
    const sut = probationary('2025-12-06');

    sut.becomeFull(TODAY, TODAY);

    expect(sut.status).toBe('full');
  });

  it('becomeFull_RefusesADayAfterToday_AnImpossibleDay_OneAlreadyFull_AndOneWhoLeft', () => {
    const left = probationary();
    left.leave('2025-01-01', TODAY);
    const full = probationary();
    full.becomeFull('2025-07-01', TODAY);

    expect(codeOf(() => probationary('2025-12-10').becomeFull('2026-12-10', TODAY))).toBe('MEMBER.FULL_IN_FUTURE');
    expect(codeOf(() => probationary().becomeFull('2025-02-30', TODAY))).toBe('DAY.INVALID');
    expect(refusalOf(() => full.becomeFull('2025-08-01', TODAY))).toMatchObject({ code: 'MEMBER.ALREADY_FULL', kind: 'conflict' });
    expect(codeOf(() => left.becomeFull('2025-07-01', TODAY))).toBe('MEMBER.NOT_ACTIVE');
    expect(full.history.filter((h) => h.kind === 'became_full')).toHaveLength(1);
  });

  it('becomeFull_BoundsALeaving: he cannot leave before the day he became full', () => {
    const sut = probationary();
    sut.becomeFull('2025-07-01', TODAY);

    const refusal = refusalOf(() => sut.leave('2025-06-30', TODAY));

    expect(refusal).toMatchObject({ code: 'MEMBER.LEFT_ON_OUT_OF_RANGE', message: expect.stringMatching(/转为正式党员.*became full/) });
    expect(codeOf(() => sut.leave('2025-07-01', TODAY))).toBe('no error');
  });

  it('judges the day as a calendar would, over random joining and full days (an independent reckoning by Date)', () => {
    const rnd = seededRandom(154);
    const day = (from: number, span: number) =>
      new Date(Date.UTC(from, 0, 1) + Math.floor(rnd() * span) * 86_400_000).toISOString().slice(0, 10);
    // Date rolls 29 February of a year without one over to 1 March, the rules' reading too.
    const yearsOn = (d: string, years: number) => {
      const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
      return new Date(Date.UTC(y + years, m - 1, dd)).toISOString().slice(0, 10);
    };
    for (let i = 0; i < 3000; i++) {
      // One joining day in ten is a 29 February, so the rollover is drawn often.
      const joinedOn = i % 10 === 0 ? `${1952 + 4 * Math.floor(rnd() * 35)}-02-29` : day(1950, 365 * 70);
      const fullOn = day(Number(joinedOn.slice(0, 4)), 365 * 4);
      const expected =
        fullOn < yearsOn(joinedOn, 1)
          ? 'MEMBER.FULL_BEFORE_PROBATION_ENDS'
          : fullOn > yearsOn(joinedOn, 2)
            ? 'MEMBER.PROBATION_OVERRUN'
            : 'no error';
      const sut = Member.join(enrol({ joinedOn }), '2099-12-31');
      expect([joinedOn, fullOn, codeOf(() => sut.becomeFull(fullOn, '2099-12-31'))]).toEqual([joinedOn, fullOn, expected]);
    }
  });
});

// What states a member full without the command asks the same rule, with today as the day.
describe('a record stating a member full', () => {
  it('join_AsFullWithinTheFirstYear_IsRefused_AndFromTheAnniversaryOrAsProbationaryIsNot', () => {
    expect(codeOf(() => Member.join(enrol({ status: 'full', joinedOn: '2025-12-07' }), TODAY))).toBe('MEMBER.FULL_BEFORE_PROBATION_ENDS');
    expect(codeOf(() => Member.join(enrol({ status: 'full', joinedOn: '2025-12-06' }), TODAY))).toBe('no error');
    expect(codeOf(() => Member.join(enrol({ status: 'probationary', joinedOn: '2026-12-06' }), TODAY))).toBe('no error');
  });

  it('restate_MakingHimFullWithinTheFirstYear_IsRefusedAndChangesNothing, and from the anniversary is a status line', () => {
    const record = { name: '张红梅', status: 'full' as const, joinedOn: '2025-12-07', roles: [], posts: [] };
    const early = probationary('2025-12-07');
    const due = probationary('2025-12-06');

    expect(codeOf(() => early.restate(record, TODAY))).toBe('MEMBER.FULL_BEFORE_PROBATION_ENDS');
    due.restate({ ...record, joinedOn: '2025-12-06' }, TODAY);

    expect(early.status).toBe('probationary');
    expect(due.history.map((h) => `${h.on} ${h.kind} ${h.detail}`)).toEqual([
      '2025-12-06 joined probationary',
      `${TODAY} status_changed full`,
    ]);
  });

  it('restate_OfAMemberAlreadyFull_AsksNothingOfHisYear: one stored full inside it keeps his other changes', () => {
    const stored = Member.join(enrol({ status: 'full', joinedOn: '2026-10-01' }), '2099-12-31');
    const record = { name: '张红', status: 'full' as const, joinedOn: '2026-10-01', roles: [], posts: [] };

    stored.restate(record, TODAY);

    expect([stored.status, stored.name]).toEqual(['full', '张红']);
  });

  it('restate_StatingAFullMemberProbationary_IsRefusedAsAConflict_AndChangesNothing (a county that missed a console 转正)', () => {
    const sut = probationary();
    sut.becomeFull('2025-07-01', TODAY);
    sut.pullEvents();
    const before = seen(sut);
    const record = { name: '张红', status: 'probationary' as const, joinedOn: '2024-07-01', roles: ['secretary' as const], posts: [] };

    expect(refusalOf(() => sut.restate(record, TODAY))).toMatchObject({ code: 'MEMBER.ALREADY_FULL', kind: 'conflict' });
    expect([seen(sut), sut.name, sut.roles]).toEqual([before, '张红梅', []]);
  });
});

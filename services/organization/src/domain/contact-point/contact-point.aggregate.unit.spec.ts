import { Organization } from '../organization/organization.aggregate';
import type { DomainError } from '../shared/domain-error';
import { ContactPoint } from './contact-point.aggregate';

const org = Organization.register(
  {
    id: 'org-a',
    code: '91',
    name: '示范省',
    level: 'province',
    kind: 'committee',
    sector: 'government_organ',
    establishedOn: '1949-10-01',
    temporary: false,
  },
  null,
  '2011-03-01',
);

describe(ContactPoint.name, () => {
  const establish = () =>
    ContactPoint.establish({ id: 'cp-1', org, leaderId: 'leader', leaderName: '李书记', establishedOn: '2011-03-01' }, '2011-03-01');

  it('logs a visit and records VisitLogged', () => {
    const sut = establish();
    sut.pullEvents();
    sut.logVisit({ id: 'v-1', visitedOn: '2011-04-02', visited: '困难户王某', solved: '协调修缮住房' }, '2011-04-10', org);
    expect(sut.pullEvents()[0]).toMatchObject({
      name: 'VisitLogged',
      data: { contactPointId: 'cp-1', visitedOn: '2011-04-02', summary: '困难户王某: 协调修缮住房' },
    });
    expect(sut.unsavedVisits()).toHaveLength(1);
  });

  it('refuses a leader’s name or a visit note carrying an ID-card or phone number: both are published in clear', () => {
    const code = (fn: () => void) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        return (e as DomainError).code;
      }
    };
    expect(
      code(() =>
        ContactPoint.establish(
          { id: 'cp-2', org, leaderId: 'l', leaderName: '李建国 13900001111', establishedOn: '2011-03-01' },
          '2011-03-01',
        ),
      ),
    ).toBe('CONTACT_POINT.TEXT_HAS_PERSONAL_NUMBER');
    const sut = establish();
    sut.pullEvents();
    for (const visit of [
      { visited: '困难党员王某家，身份证110101199003071234', solved: '协调' },
      { visited: '王某家', solved: '联系电话13812345678' },
    ])
      expect(code(() => sut.logVisit({ id: 'v-9', visitedOn: '2011-04-02', ...visit }, '2011-04-10', org))).toBe(
        'CONTACT_POINT.TEXT_HAS_PERSONAL_NUMBER',
      );
    expect(sut.pullEvents()).toEqual([]);
  });

  it('logVisit_WhenTheSummaryWouldBeCutThroughAnEmoji_CutsBeforeItSoNoHalfOfItIsLeft', () => {
    const sut = establish();
    sut.pullEvents();
    const visited = '困'.repeat(497);
    // 499 units before the emoji run: the 2,000th unit is the first half of the 751st emoji.
    const solved = '😀'.repeat(751);

    sut.logVisit({ id: 'v-1', visitedOn: '2011-04-02', visited, solved }, '2011-04-10', org);

    const summary = (sut.pullEvents()[0]?.data as { summary: string }).summary;
    expect(summary).toBe(`${visited}: ${'😀'.repeat(750)}`);
    expect(summary.length).toBe(1999);
    expect(summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('logVisit_WhenTheSummaryIsLongPlainText_KeepsTheFirst2000Characters', () => {
    const sut = establish();
    sut.pullEvents();

    sut.logVisit({ id: 'v-1', visitedOn: '2011-04-02', visited: '甲'.repeat(500), solved: '乙'.repeat(1500) }, '2011-04-10', org);

    expect((sut.pullEvents()[0]?.data as { summary: string }).summary).toBe(`${'甲'.repeat(500)}: ${'乙'.repeat(1498)}`);
  });

  it.each([
    ['before the contact point existed', '2011-02-28'],
    ['in the future', '2011-04-11'],
  ])('refuses a visit dated %s', (_what, day) => {
    const sut = establish();
    let code = 'no error';
    try {
      sut.logVisit({ id: 'v-1', visitedOn: day, visited: 'x', solved: 'y' }, '2011-04-10', org);
    } catch (e) {
      code = (e as DomainError).code;
    }
    expect(code).toBe('CONTACT_POINT.VISIT_DATE_INVALID');
  });

  it.each(['dissolved', 'merged'] as const)('logVisit_WhenTheOrganisationHasCeased_RefusesAndRecordsNothing (%s)', (status) => {
    const sut = establish();
    sut.pullEvents();
    let refusal: DomainError | undefined;

    try {
      sut.logVisit({ id: 'v-1', visitedOn: '2011-04-02', visited: 'x', solved: 'y' }, '2011-04-10', { status });
    } catch (e) {
      refusal = e as DomainError;
    }

    expect(refusal).toMatchObject({ code: 'ORGANIZATION.NOT_ACTIVE', kind: 'rule' });
    expect(sut.pullEvents()).toEqual([]);
    expect(sut.unsavedVisits()).toEqual([]);
  });
});

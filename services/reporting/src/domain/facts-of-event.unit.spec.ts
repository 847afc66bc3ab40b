import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_YEARS } from '@vanguard/contracts';
import { EXTRACTED_TYPES, factsOf, filingDay } from './facts-of-event';
import { FIGURE_BY_KEY, FIGURES, PERSONAL_FIGURES, combine } from './figures';
import { parsePeriod, quartersOf, shanghaiDay } from './period';

const ORG = '00000000-0000-4000-8000-910425101201';
const event = (type: string, data: unknown, occurredAt = '2026-05-10T02:00:00.000Z') => ({ type, orgId: ORG, occurredAt, data });

describe('factsOf', () => {
  it('counts a leader comment once and each of its findings as a shortcoming and a measure', () => {
    const facts = factsOf(event('evaluation.LeaderCommentMade', { findings: [{}, {}, {}] }));
    expect(facts.map((f) => [f.figure, f.amount])).toEqual([
      ['comments', 1],
      ['findings', 3],
      ['measures', 3],
    ]);
  });

  it('counts a comment without findings as a comment only', () => {
    expect(factsOf(event('evaluation.LeaderCommentMade', { findings: [] })).map((f) => f.figure)).toEqual(['comments']);
  });

  it('splits rectifications into on time and late by the recorded flag', () => {
    expect(factsOf(event('evaluation.RectificationCompleted', { onTime: true }))[0]?.figure).toBe('rectified_on_time');
    expect(factsOf(event('evaluation.RectificationCompleted', { onTime: false }))[0]?.figure).toBe('rectified_late');
  });

  it('weighs a satisfaction rate by the ballots cast, and a window nobody voted in has no rate', () => {
    expect(factsOf(event('evaluation.MassEvaluationClosed', { satisfactionPermille: 900, ballotsCast: 40 }))).toEqual([
      expect.objectContaining({ figure: 'mass_evaluations', amount: 1 }),
      expect.objectContaining({ figure: 'satisfaction', amount: 36_000, weight: 40 }),
    ]);
    expect(factsOf(event('evaluation.MassEvaluationClosed', { satisfactionPermille: null, ballotsCast: 0 })).map((f) => f.figure)).toEqual([
      'mass_evaluations',
    ]);
  });

  it('counts only upward tier changes as upgrades', () => {
    expect(factsOf(event('evaluation.TierChanged', { direction: 'up' })).map((f) => f.figure)).toEqual(['tier_upgrades']);
    expect(factsOf(event('evaluation.TierChanged', { direction: 'down' }))).toEqual([]);
  });

  it('takes a reversed disbursement back out of the funds figure, but not a reversed allocation', () => {
    expect(factsOf(event('assistance.FundMovementReversed', { reversedKind: 'disbursement', amountFen: 5000 }))[0]?.amount).toBe(-5000);
    expect(factsOf(event('assistance.FundMovementReversed', { reversedKind: 'allocation', amountFen: 5000 }))).toEqual([]);
  });

  it('counts a first secretary both as a cadre and as a first secretary', () => {
    expect(factsOf(event('assistance.CadreDispatched', { role: 'first_secretary' })).map((f) => f.figure)).toEqual([
      'cadres_dispatched',
      'first_secretaries',
    ]);
    expect(factsOf(event('assistance.CadreDispatched', { role: 'work_team_member' })).map((f) => f.figure)).toEqual(['cadres_dispatched']);
  });

  it('sums a window batch per kind, and a kind the batch did not count gets no row (暂无数据, not 0)', () => {
    const counts = [
      { month: '2026-04', kind: 'service_given', count: 30 },
      { month: '2026-05', kind: 'service_given', count: 12 },
      { month: '2026-05', kind: 'online_approval', count: 4 },
    ];
    expect(factsOf(event('evaluation.WindowServicesCounted', { counts })).map((f) => [f.figure, f.amount])).toEqual([
      ['window_services_given', 42],
      ['window_online_approvals', 4],
    ]);
  });

  it('counts inspections, monthly reviews and training with the units, findings and trainees behind them', () => {
    const facts = (type: string, data: unknown) => factsOf(event(type, data)).map((f) => [f.figure, f.amount]);
    expect(facts('evaluation.InspectionLaunched', { units: [1, 2, 3] })).toEqual([
      ['inspections', 1],
      ['units_inspected', 3],
    ]);
    expect(facts('evaluation.InspectionFindingsRecorded', { findings: [{}, {}] })).toEqual([
      ['inspection_findings', 2],
      ['findings', 2],
      ['measures', 2],
    ]);
    expect(facts('evaluation.MonthlyReviewConcluded', { results: [{}, {}], unscored: [1] })).toEqual([
      ['monthly_reviews', 1],
      ['units_reviewed', 2],
    ]);
    expect(facts('evaluation.TraineesEnrolled', { trainees: [{}, {}, {}] })).toEqual([['trainees', 3]]);
    expect(facts('evaluation.TrainingAttendanceRecorded', { attendance: [{ completed: true }, { completed: false }] })).toEqual([
      ['trainees_completed', 1],
    ]);
  });

  it('counts each article publication in the total and by its media level, 市级以上 leaving out county outlets', () => {
    const facts = (level: string) =>
      factsOf(event('publicity.ArticlePublished', { level, channel: 'press' })).map((f) => [f.figure, f.amount]);
    expect(facts('central')).toEqual([
      ['articles_published', 1],
      ['articles_central', 1],
      ['articles_municipal_up', 1],
    ]);
    expect(facts('municipal')).toEqual([
      ['articles_published', 1],
      ['articles_municipal', 1],
      ['articles_municipal_up', 1],
    ]);
    expect(facts('county')).toEqual([
      ['articles_published', 1],
      ['articles_county', 1],
    ]);
  });

  it('counts a benchmark chosen as a unit or a member paired, and its measures', () => {
    const facts = (kind: string) =>
      factsOf(event('evaluation.BenchmarkChosen', { subject: { kind, id: 'x' }, measures: ['a', 'b', 'c'] })).map((f) => [
        f.figure,
        f.amount,
      ]);
    expect(facts('organization')).toEqual([
      ['benchmark_units', 1],
      ['benchmark_measures', 3],
    ]);
    expect(facts('member')).toEqual([
      ['benchmark_members', 1],
      ['benchmark_measures', 3],
    ]);
  });

  it('counts a quarter pioneer as a person (人) or, a branch selected, as a unit (个)', () => {
    const facts = (kind: string) =>
      factsOf(event('evaluation.QuarterPioneerSelected', { candidate: { kind, id: 'x' } })).map((f) => [f.figure, f.amount]);
    expect(facts('member')).toEqual([['pioneers', 1]]);
    expect(facts('organization')).toEqual([['pioneer_units', 1]]);
  });

  it('counts a published exemplar as a unit or an individual by its subject, and ignores a mere proposal', () => {
    const facts = (subjectKind: string) => factsOf(event('publicity.ExemplarPublished', { subjectKind })).map((f) => [f.figure, f.amount]);
    expect(facts('organization')).toEqual([
      ['exemplars', 1],
      ['exemplar_units', 1],
    ]);
    expect(facts('member')).toEqual([
      ['exemplars', 1],
      ['exemplar_individuals', 1],
    ]);
    expect(factsOf(event('publicity.ExemplarProposed', { subjectKind: 'member' }))).toEqual([]);
  });

  it('counts a corrected deed as the same deed: no second deed, only what changed in a counted figure, and a moved deed where it now is', () => {
    const corrected = (data: Record<string, unknown>, previous: Record<string, unknown>) =>
      factsOf(
        event('assistance.DeedCorrected', {
          orgId: ORG,
          householdsHelped: 0,
          ...data,
          previous: { orgId: ORG, householdsHelped: 0, ...previous },
        }),
      ).map((f) => [f.figure, f.orgId, f.amount]);
    expect(corrected({ title: '打井一眼并配水泵' }, { title: '打井一眼' })).toEqual([]);
    expect(corrected({ householdsHelped: 12 }, { householdsHelped: 7 })).toEqual([['households_helped', ORG, 5]]);
    expect(corrected({ householdsHelped: 3 }, { householdsHelped: 7 })).toEqual([['households_helped', ORG, -4]]);
    // Moved to another village: out of the one it was reported for, into the new one, households and all.
    expect(corrected({ householdsHelped: 9 }, { orgId: 'another-village', householdsHelped: 7 })).toEqual([
      ['deeds', 'another-village', -1],
      ['households_helped', 'another-village', -7],
      ['deeds', ORG, 1],
      ['households_helped', ORG, 9],
    ]);
  });

  it('feeds only figures the catalogue knows', () => {
    const samples = [
      event('evaluation.ReviewApproved', { grade: 'excellent' }),
      event('evaluation.OrganizationAssessed', { tier: 'lagging' }),
      event('assistance.DeedDone', { householdsHelped: 7 }),
      event('assistance.DeedCorrected', { orgId: ORG, householdsHelped: 8, previous: { orgId: ORG, householdsHelped: 7 } }),
      event('evaluation.WindowServicesCounted', {
        counts: ['service_given', 'handled_on_behalf', 'home_service', 'online_approval'].map((kind) => ({ kind, count: 1 })),
      }),
      event('evaluation.InspectionLaunched', { units: [1] }),
      event('evaluation.InspectionFindingsRecorded', { findings: [{}] }),
      event('evaluation.MonthlyReviewFindingsRecorded', { findings: [{}] }),
      event('evaluation.MonthlyReviewConcluded', { results: [{}] }),
      event('evaluation.TrainingClassOpened', {}),
      event('evaluation.TraineesEnrolled', { trainees: [{}] }),
      event('evaluation.TrainingAttendanceRecorded', { attendance: [{ completed: true }] }),
      ...['central', 'provincial', 'municipal', 'county'].map((level) => event('publicity.ArticlePublished', { level })),
      ...['organization', 'member'].map((subjectKind) => event('publicity.ExemplarPublished', { subjectKind })),
    ];
    for (const f of samples.flatMap(factsOf)) expect(FIGURE_BY_KEY.has(f.figure)).toBe(true);
  });

  // A trace of a figure about persons leaves the stream out (ADR 0093); a second figure fed by the
  // same event listed it with the stream, so the trace of `exemplars` named every individual
  // exemplar `exemplar_individuals` hides, by event id.
  it('feeds a figure about persons only alongside figures about persons: no other trace lists the same event with its stream', () => {
    const data = {
      grade: 'excellent',
      tier: 'lagging',
      subjectKind: 'member',
      // Whose benchmark or candidacy it is: a person's.
      subject: { kind: 'member', id: 'm' },
      candidate: { kind: 'member', id: 'm' },
      measures: ['m'],
      level: 'county',
      onTime: true,
      findings: [{}],
      units: [1],
      results: [{}],
      trainees: [{}],
      attendance: [{ completed: true }],
      householdsHelped: 1,
      counts: ['service_given'].map((kind) => ({ kind, count: 1 })),
    };
    for (const type of EXTRACTED_TYPES) {
      const figures = factsOf(event(type, data)).map((f) => f.figure);
      if (!figures.some((f) => PERSONAL_FIGURES.has(f))) continue;
      expect({ type, notPersonal: figures.filter((f) => !PERSONAL_FIGURES.has(f)) }).toEqual({ type, notPersonal: [] });
    }
  });

  it('ignores event types no figure counts', () => {
    expect(factsOf(event('evaluation.PledgeAmended', {}))).toEqual([]);
  });

  it('dates a fact by the Asia/Shanghai day, so late evening UTC on 31 March falls in April', () => {
    expect(factsOf(event('evaluation.PledgeMade', {}, '2026-03-31T17:30:00.000Z'))[0]?.day).toBe('2026-04-01');
  });
  // Each period's figures hold that period's work: the day moves into the period the event is about.
  it.each([
    [
      'a 2025 review approved in January 2026 in 2025',
      'evaluation.ReviewApproved',
      { year: 2025, grade: 'excellent' },
      '2026-01-15T02:00:00.000Z',
      '2025-12-31',
    ],
    [
      'a 2025 assessment decided in February 2026 in 2025',
      'evaluation.OrganizationAssessed',
      { period: '2025', tier: 'advanced' },
      '2026-02-03T02:00:00.000Z',
      '2025-12-31',
    ],
    ['a 2025 upgrade in 2025', 'evaluation.TierChanged', { period: '2025', direction: 'up' }, '2026-01-02T02:00:00.000Z', '2025-12-31'],
    [
      'a cycle planned in December for next year’s first quarter on its first day',
      'evaluation.CyclePlanned',
      { quarter: '2027-Q1' },
      '2026-12-20T02:00:00.000Z',
      '2027-01-01',
    ],
    [
      'a February review round concluded on 2 March on the last day of February',
      'evaluation.MonthlyReviewConcluded',
      { month: '2028-02', scores: [] },
      '2028-03-02T02:00:00.000Z',
      '2028-02-29',
    ],
    [
      'a May 2011 round concluded on 2 June 2011 and entered in 2026 on the last day of May 2011',
      'evaluation.MonthlyReviewConcluded',
      { month: '2011-05', concludedOn: '2011-06-02', results: [] },
      '2026-03-02T02:00:00.000Z',
      '2011-05-31',
    ],
    [
      'a 2011 assessment made on 20 December 2011 and entered in 2026 on that day',
      'evaluation.OrganizationAssessed',
      { period: '2011', assessedOn: '2011-12-20', tier: 'advanced' },
      '2026-02-03T02:00:00.000Z',
      '2011-12-20',
    ],
    [
      'an event inside its own period on its Shanghai day',
      'evaluation.ReviewApproved',
      { year: 2026, grade: 'good' },
      '2026-03-31T17:30:00.000Z',
      '2026-04-01',
    ],
    [
      'a Q4 cycle planned on 31 December 23:30 Shanghai on that day',
      'evaluation.CyclePlanned',
      { quarter: '2026-Q4' },
      '2026-12-31T15:30:00.000Z',
      '2026-12-31',
    ],
  ])('files %s', (_name, type, data, occurredAt, day) => {
    const facts = factsOf(event(type, data, occurredAt));
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.map((f) => f.day)).toEqual(facts.map(() => day));
  });

  // The work's own day, whenever it was reported: a county that was offline over new year sends
  // December's deeds and visits in January (ADR 0106).
  it.each([
    [
      'a deed done on 28 December reported on 3 January',
      'assistance.DeedDone',
      { doneOn: '2026-12-28', householdsHelped: 2 },
      '2026-12-28',
    ],
    ['a visit made on 31 December', 'assistance.VisitLogged', { visitedOn: '2026-12-31' }, '2026-12-31'],
    ['an article that appeared on 30 December', 'publicity.ArticlePublished', { level: 'county', publishedOn: '2026-12-30' }, '2026-12-30'],
    [
      'an exemplar published on 29 December',
      'publicity.ExemplarPublished',
      { subjectKind: 'member', publishedOn: '2026-12-29' },
      '2026-12-29',
    ],
    // ADR 0157: every counted event that names the day its work was done.
    ['a comment made in 2011 and entered in 2027', 'evaluation.LeaderCommentMade', { madeOn: '2011-04-15', findings: [] }, '2011-04-15'],
    [
      'mass-evaluation findings recorded on 31 May 2011',
      'evaluation.MassEvaluationFindingsRecorded',
      { recordedOn: '2011-05-31', findings: [{ rectification: '整改' }] },
      '2011-05-31',
    ],
    [
      'inspection findings recorded on 30 June 2011',
      'evaluation.InspectionFindingsRecorded',
      { recordedOn: '2011-06-30', findings: [{ rectification: '整改' }] },
      '2011-06-30',
    ],
    [
      'monthly-review findings recorded on 31 May 2011',
      'evaluation.MonthlyReviewFindingsRecorded',
      { recordedOn: '2011-05-31', findings: [{ rectification: '' }] },
      '2011-05-31',
    ],
    ['an inspection launched on 15 June 2011', 'evaluation.InspectionLaunched', { launchedOn: '2011-06-15', units: ['a'] }, '2011-06-15'],
    [
      'a window batch counted on 2 June 2011',
      'evaluation.WindowServicesCounted',
      { countedOn: '2011-06-02', counts: [{ kind: 'service_given', month: '2011-05', count: 3 }] },
      '2011-06-02',
    ],
    [
      'a rectification completed on 1 July 2011',
      'evaluation.RectificationCompleted',
      { completedOn: '2011-07-01', onTime: true },
      '2011-07-01',
    ],
    ['a rectification marked overdue on 2 July 2011', 'evaluation.RectificationOverdue', { markedOn: '2011-07-02' }, '2011-07-02'],
    ['a commendation decided on 1 July 2026', 'commendation.CommendationDecided', { decidedOn: '2026-07-01' }, '2026-07-01'],
    ['a commendation revoked on 3 August 2026', 'commendation.CommendationRevoked', { revokedOn: '2026-08-03' }, '2026-08-03'],
    ['a project planned on 12 February 2026', 'assistance.ProjectPlanned', { plannedOn: '2026-02-12' }, '2026-02-12'],
    ['funds disbursed on 10 July 2026', 'assistance.FundsDisbursed', { on: '2026-07-10', amountFen: 100 }, '2026-07-10'],
    [
      'a disbursement reversed on 22 May 2026',
      'assistance.FundMovementReversed',
      { on: '2026-05-22', reversedKind: 'disbursement', amountFen: 100 },
      '2026-05-22',
    ],
    ['a deed whose day is not a calendar day on the day it was reported', 'assistance.DeedDone', { doneOn: '2026-02-30' }, '2027-01-03'],
    ['a deed whose day is not text on the day it was reported', 'assistance.DeedDone', { doneOn: 20261228 }, '2027-01-03'],
    [
      'a visit in year 0000, a day Postgres cannot store, on the day it was reported',
      'assistance.VisitLogged',
      { visitedOn: '0000-12-31' },
      '2027-01-03',
    ],
    [
      'a deed in year 0202, a period nobody can ask for, on the day it was reported',
      'assistance.DeedDone',
      { doneOn: '0202-12-28' },
      '2027-01-03',
    ],
    [
      'an article of 1899 on the day it was reported',
      'publicity.ArticlePublished',
      { level: 'county', publishedOn: '1899-12-31' },
      '2027-01-03',
    ],
  ])('files %s', (_name, type, data, day) => {
    const facts = factsOf(event(type, data, '2027-01-03T02:00:00.000Z'));
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.map((f) => f.day)).toEqual(facts.map(() => day));
  });

  it('moves a corrected deed from the day it was filed on to its new day, and leaves a deed whose day stayed where it is', () => {
    const corrected = (doneOn: string, previousOn: string, households = 4) =>
      factsOf(
        event(
          'assistance.DeedCorrected',
          { orgId: ORG, doneOn, householdsHelped: households, previous: { orgId: ORG, doneOn: previousOn, householdsHelped: 4 } },
          '2027-01-05T02:00:00.000Z',
        ),
      ).map((f) => [f.figure, f.orgId, f.day, f.amount]);
    // Reported as done in January, in fact done in December: out of 2027, into 2026.
    expect(corrected('2026-12-20', '2027-01-02', 6)).toEqual([
      ['deeds', ORG, '2027-01-02', -1],
      ['households_helped', ORG, '2027-01-02', -4],
      ['deeds', ORG, '2026-12-20', 1],
      ['households_helped', ORG, '2026-12-20', 6],
    ]);
    expect(corrected('2026-12-20', '2026-12-20', 6)).toEqual([['households_helped', ORG, '2026-12-20', 2]]);
    expect(corrected('2026-12-20', '2026-12-20')).toEqual([]);
  });

  /**
   * Read from the published JSON Schemas, not from the filing table: a counted type whose contract
   * names a calendar day (`format: date`) in its data is filed on one of the days it names, so a
   * type or a day field added later cannot be filed on the day it was entered unnoticed (ADR 0157).
   */
  it('files every counted event whose published contract names a day on a day it names, a due day excepted', () => {
    const NOT_WORK_DAYS: Readonly<Record<string, string>> = {
      'evaluation.PledgeMade': 'dueOn is when the pledge falls due',
      'evaluation.BenchmarkChosen': 'dueOn is when the gaps are to be closed',
      // A term's days are set ahead: a pairing agreed in December from 1 January is December's work.
      'assistance.PairingFormed': 'from and to bound the pairing',
      'assistance.CadreDispatched': 'from and to bound the posting',
      // Its trainees and attendance carry no day: filed by startsOn, one class would count in two periods.
      'evaluation.TrainingClassOpened': 'startsOn and endsOn bound the class',
      // Filed in the quarter it plans (ADR 0103), which its days lie in; the quarter is left out here.
      'evaluation.CyclePlanned': 'startsOn and endsOn bound the quarter it is about',
    };
    const TERM_ENDS = ['to', 'endsOn', 'dueOn', 'deadline'];
    const schemas = join(__dirname, '..', '..', '..', '..', 'docs', 'events', 'schemas');
    const files = readdirSync(schemas);
    const named: string[] = [];
    for (const type of EXTRACTED_TYPES) {
      const latest = files.filter((f) => f.startsWith(`${type}.v`)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      expect(latest.length).toBeGreaterThan(0);
      const schema = JSON.parse(readFileSync(join(schemas, latest[latest.length - 1]!), 'utf8')) as {
        properties: { data: { properties?: Record<string, { format?: string }> } };
      };
      const fields = Object.entries(schema.properties.data.properties ?? {})
        .filter(([, p]) => p.format === 'date')
        .map(([k]) => k);
      if (!fields.length) continue;
      // Distinct days of 2011, the event entered in 2026.
      const data = Object.fromEntries(fields.map((f, i) => [f, `2011-0${i + 1}-1${i}`]));
      const day = filingDay({ type, orgId: ORG, occurredAt: '2026-06-15T02:00:00.000Z', data });
      if (NOT_WORK_DAYS[type]) expect(day).toBe('2026-06-15');
      else expect([type, Object.values(data)]).toEqual([type, expect.arrayContaining([day])]);
      // A day something ends or falls due is never when the work was done.
      for (const f of fields.filter((x) => TERM_ENDS.includes(x))) expect([type, f, day]).not.toEqual([type, f, data[f]]);
      named.push(type);
    }
    // The schemas were read: the types above that name days are found.
    expect(named).toEqual(expect.arrayContaining(['assistance.FundsDisbursed', 'evaluation.LeaderCommentMade', 'assistance.DeedDone']));
  });

  it('keeps the Shanghai day of an event whose period cannot be read', () => {
    expect(factsOf(event('evaluation.ReviewApproved', { year: 'soon', grade: 'good' }, '2026-01-15T02:00:00.000Z'))[0]?.day).toBe(
      '2026-01-15',
    );
  });
});

describe('combine', () => {
  const def = (key: string) => FIGURES.find((d) => d.key === key)!;

  it('answers null, not 0, when no event fed the figure', () => {
    expect(combine(def('pledges_made'), [])).toEqual({ key: 'pledges_made', value: null, events: 0 });
  });

  it('adds sums and weighs rates', () => {
    expect(
      combine(def('pledges_made'), [
        { amount: 1, weight: 1 },
        { amount: 1, weight: 1 },
      ]).value,
    ).toBe(2);
    // 900‰ of 40 ballots and 500‰ of 10: (36000 + 5000) / 50 = 820‰.
    expect(
      combine(def('satisfaction'), [
        { amount: 36_000, weight: 40 },
        { amount: 5_000, weight: 10 },
      ]).value,
    ).toBe(820);
  });
});

describe('parsePeriod', () => {
  it('reads years and quarters as Asia/Shanghai day ranges', () => {
    expect(parsePeriod('2026')).toMatchObject({ from: '2026-01-01', to: '2027-01-01', label: '2026年' });
    expect(parsePeriod('2026-Q4')).toMatchObject({ from: '2026-10-01', to: '2027-01-01', label: '2026年第四季度' });
    expect(parsePeriod('2026-Q2')).toMatchObject({ from: '2026-04-01', to: '2026-07-01' });
  });

  it('refuses anything else', () => {
    expect(parsePeriod('2026-Q5')).toBeUndefined();
    expect(parsePeriod('26')).toBeUndefined();
  });

  it('asks for exactly the years a day may fall in at the edges, so no day taken in is filed where no period finds it', () => {
    expect(
      [DAY_YEARS.first - 1, DAY_YEARS.first, DAY_YEARS.last, DAY_YEARS.last + 1].map((y) => parsePeriod(String(y)) !== undefined),
    ).toEqual([false, true, true, false]);
  });

  it('splits a year into its quarters for a time series', () => {
    expect(quartersOf(parsePeriod('2026')!).map((p) => p.key)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('maps instants to the Shanghai day', () => {
    expect(shanghaiDay('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
    expect(shanghaiDay('2026-12-31T15:59:59.999Z')).toBe('2026-12-31');
  });
});

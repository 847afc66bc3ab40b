import { CountyDemocraticReviewTallied, CountyMassEvaluationTallied } from './county.contracts';
import { ballotSchema, firstDayOfQuarter, householdRefSchema, memberGradeSchema, quarterSchema } from './vocabulary';

describe(firstDayOfQuarter.name, () => {
  it.each([
    ['2011-Q1', '2011-01-01'],
    ['2011-Q2', '2011-04-01'],
    ['2011-Q3', '2011-07-01'],
    ['2012-Q4', '2012-10-01'],
  ])('%s begins on %s', (quarter, day) => {
    expect(firstDayOfQuarter(quarter)).toBe(day);
  });
});

describe('county vocabulary', () => {
  it('tallies count votes for exactly the glossary’s grades and ballot values', () => {
    expect(Object.keys(CountyDemocraticReviewTallied.schema.shape.votes.shape).sort()).toEqual([...memberGradeSchema.options].sort());
    expect(Object.keys(CountyMassEvaluationTallied.schema.shape.votes.shape).sort()).toEqual([...ballotSchema.options].sort());
  });

  it('quarterSchema_WhenNotAQuarter_Refuses', () => {
    expect(quarterSchema.safeParse('2011-Q4').success).toBe(true);
    expect(['2011-Q0', '2011Q1', '11-Q1', '2011-q1'].map((q) => quarterSchema.safeParse(q).success)).toEqual([false, false, false, false]);
  });

  it('householdRefSchema_AcceptsOpaqueCountyReferences_AndNoPersonalNumbers', () => {
    expect(['HS-2011-017', 'hk:910425101201:0042', '42'].map((r) => householdRefSchema.safeParse(r).success)).toEqual([true, true, true]);
    // 18-character ID-card numbers (last a digit or X) and 11-digit mobile numbers are refused;
    // a 17- or 12-digit number is just a long reference.
    expect(['15042519800101123X', '150425198001011234', '13904761234'].map((r) => householdRefSchema.safeParse(r).success)).toEqual([
      false,
      false,
      false,
    ]);
    expect(['15042519800101123', '139047612345'].map((r) => householdRefSchema.safeParse(r).success)).toEqual([true, true]);
  });
});

import { answerForDuplicate, idNumberCheckLimits, mayStartAnotherCheck } from './id-number-checks';

describe('ID-number check rules', () => {
  const limits = { jobsPerWindow: 3, idNumbersPerWindow: 100, windowMinutes: 60 };

  it('answerForDuplicate_WhenTheMemberIsInsideTheCallersSubtree_Refuses', () => {
    expect(answerForDuplicate(true, true)).toBe('refuse');
    expect(answerForDuplicate(true, false)).toBe('refuse');
  });

  it('answerForDuplicate_WhenTheMemberIsElsewhere_PassesADryRunAndHoldsARealImport', () => {
    expect(answerForDuplicate(false, true)).toBe('pass');
    expect(answerForDuplicate(false, false)).toBe('hold');
  });

  it('mayStartAnotherCheck_WhenEitherBudgetIsSpent_RefusesAnother', () => {
    expect(mayStartAnotherCheck({ jobs: 2, idNumbers: 99 }, limits)).toBe(true);
    expect(mayStartAnotherCheck({ jobs: 3, idNumbers: 0 }, limits)).toBe(false);
    expect(mayStartAnotherCheck({ jobs: 0, idNumbers: 100 }, limits)).toBe(false);
  });

  it('idNumberCheckLimits_WhenAnOverrideIsNotAPositiveInteger_SaysWhich', () => {
    expect(idNumberCheckLimits({})).toEqual({ jobsPerWindow: 20, idNumbersPerWindow: 50_000, windowMinutes: 60 });
    expect(() => idNumberCheckLimits({ ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW: '0' })).toThrow('ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW');
  });
});

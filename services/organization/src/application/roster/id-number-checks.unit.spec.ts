import { answerForDuplicate, idNumberCheckLimits } from './id-number-checks';

describe('ID-number check rules', () => {
  it('answerForDuplicate_WhenTheMemberIsInsideTheCallersSubtree_Refuses', () => {
    expect(answerForDuplicate(true, true)).toBe('refuse');
    expect(answerForDuplicate(true, false)).toBe('refuse');
  });

  it('answerForDuplicate_WhenTheMemberIsElsewhere_PassesADryRunAndHoldsARealImport', () => {
    expect(answerForDuplicate(false, true)).toBe('pass');
    expect(answerForDuplicate(false, false)).toBe('hold');
  });

  it('idNumberCheckLimits_WhenAnOverrideIsNotAPositiveInteger_SaysWhich', () => {
    expect(idNumberCheckLimits({})).toEqual({ jobsPerWindow: 20, idNumbersPerWindow: 50_000, holdsPerWindow: 10, windowMinutes: 60 });
    expect(() => idNumberCheckLimits({ ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW: '0' })).toThrow('ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW');
  });
});

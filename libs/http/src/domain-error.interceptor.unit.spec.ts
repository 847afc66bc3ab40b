import { BusinessRuleViolation, DomainError, Rule } from '@vanguard/kernel';
import { domainErrorAnswer } from './domain-error.interceptor';

class PledgeFiledByLevelAbove extends Rule {
  readonly id = 'pledge.filed-by-level-above';
  override readonly version = 2;
  readonly code = 'PLEDGE.NOT_LEVEL_ABOVE';
  readonly kind = 'rule' as const;
  readonly message = '承诺须由上一级组织把关备案 / only the level above may file or return this pledge';
  isBroken(): boolean {
    return true;
  }
}

describe(domainErrorAnswer.name, () => {
  it.each([
    ['invalid', 400],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['rule', 422],
  ] as const)('answers a %s refusal with %i and its code', (kind, status) => {
    const answer = domainErrorAnswer(new DomainError('X.CODE', kind, 'why'));
    expect(answer.getStatus()).toBe(status);
    expect(answer.getResponse()).toEqual({ code: 'X.CODE', message: 'why' });
  });

  it('names the versioned rule that refused, at the end of the message', () => {
    const answer = domainErrorAnswer(new BusinessRuleViolation(new PledgeFiledByLevelAbove()));
    expect(answer.getStatus()).toBe(422);
    expect(answer.getResponse()).toEqual({
      code: 'PLEDGE.NOT_LEVEL_ABOVE',
      message: '承诺须由上一级组织把关备案 / only the level above may file or return this pledge [rule pledge.filed-by-level-above@2]',
    });
  });

  it('names a policy an error carries without being a rule violation', () => {
    const e = Object.assign(new DomainError('NOMINATION.INELIGIBLE', 'rule', 'not eligible'), { rule: { id: 'review-grade', version: 1 } });
    expect((domainErrorAnswer(e).getResponse() as { message: string }).message).toBe('not eligible [rule review-grade@1]');
  });

  it('says when to come back for a refusal that passes with time, and nothing for one that does not', () => {
    const busy = Object.assign(new DomainError('OBJECTIONS.BUSY', 'conflict', 'try again'), { retryAfterSec: 2 });
    expect(domainErrorAnswer(busy).getResponse()).toEqual({ code: 'OBJECTIONS.BUSY', message: 'try again', retryAfterSec: 2 });
    const odd = Object.assign(new DomainError('X.CODE', 'conflict', 'why'), { retryAfterSec: '2' });
    expect(domainErrorAnswer(odd).getResponse()).toEqual({ code: 'X.CODE', message: 'why' });
  });
});

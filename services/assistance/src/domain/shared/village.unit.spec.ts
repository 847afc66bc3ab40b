import { checkRule } from '@vanguard/kernel';
import { refusedBy } from '../testing/refusal';
import { HelperUnitMustBeAnActiveOrganisation } from './village';

describe(HelperUnitMustBeAnActiveOrganisation.name, () => {
  const check = (found: { status: string } | null) => () => checkRule(new HelperUnitMustBeAnActiveOrganisation('h1', found));

  it('takes an active organisation, of any level or county, and refuses an unknown or a dissolved one', () => {
    expect(check({ status: 'active' })).not.toThrow();
    expect(refusedBy(check(null), HelperUnitMustBeAnActiveOrganisation)).toBe(true);
    expect(refusedBy(check({ status: 'dissolved' }), HelperUnitMustBeAnActiveOrganisation)).toBe(true);
  });
});

import { OrganizationMustBeActiveRule } from './organization-must-be-active.rule';

describe(OrganizationMustBeActiveRule.name, () => {
  it('says the act refused once in each language (a probe read "不能接收党员 / receive members / … cannot 接收党员 / receive members")', () => {
    expect(new OrganizationMustBeActiveRule('dissolved', '接收党员 / receive members').message).toBe(
      '党组织已撤销，不能接收党员 / organisation is dissolved: cannot receive members',
    );
    expect(new OrganizationMustBeActiveRule('merged', '更名 / be renamed').message).toBe(
      '党组织已合并，不能更名 / organisation is merged: cannot be renamed',
    );
  });
});

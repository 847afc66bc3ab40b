import { BusinessRuleViolation } from '../shared/business-rule';
import { Organization, type RegisterOrganization } from './organization.aggregate';

const input = (over: Partial<RegisterOrganization> = {}): RegisterOrganization => ({
  id: 'org-1',
  code: '91',
  name: '示范省',
  level: 'province',
  kind: 'committee',
  sector: 'government_organ',
  establishedOn: '1949-10-01',
  temporary: false,
  ...over,
});

const TODAY = '2011-06-01';
const register = (i: RegisterOrganization, parent: Organization | null) => Organization.register(i, parent, TODAY);

function tree() {
  const province = register(input(), null);
  const city = register(input({ id: 'city', code: '9104', level: 'city', name: '青山市' }), province);
  const county = register(input({ id: 'county', code: '910425', level: 'county', name: '松岭旗' }), city);
  const townA = register(input({ id: 'town-a', code: '910425101', level: 'township', name: '白桦镇' }), county);
  const townB = register(input({ id: 'town-b', code: '910425102', level: 'township', name: '河口镇' }), county);
  const village = register(input({ id: 'village', code: '910425101201', level: 'village', kind: 'branch', name: '红石村' }), townA);
  for (const o of [province, city, county, townA, townB, village]) o.pullEvents();
  return { province, city, county, townA, townB, village };
}

const NO_DESCENDANTS = { longest: null };

const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as BusinessRuleViolation).code;
  }
  return 'no error';
};

describe(Organization.name, () => {
  describe('register', () => {
    it('records OrganizationRegistered with the parent and a path through it', () => {
      const { county } = tree();

      const sut = register(input({ id: 'new', code: '910425103', level: 'township', name: '新镇' }), county);

      expect(sut.path).toEqual(['org-1', 'city', 'county', 'new']);
      expect(sut.pullEvents()).toEqual([
        expect.objectContaining({
          name: 'OrganizationRegistered',
          stream: 'organization',
          aggregateId: 'new',
          data: expect.objectContaining({ parentId: 'county', parentCode: '910425', code: '910425103' }),
        }),
      ]);
    });

    it('refuses a code that does not extend the parent’s (ChildCodeMustExtendParentCode)', () => {
      const { county } = tree();
      expect(codeOf(() => register(input({ id: 'x', code: '920425103', level: 'township' }), county))).toBe(
        'ORGANIZATION.CODE_NOT_UNDER_PARENT',
      );
    });

    it('refuses a level that is not below the parent’s', () => {
      const { county } = tree();
      expect(codeOf(() => register(input({ id: 'x', code: '91042599', level: 'city' }), county))).toBe('ORGANIZATION.LEVEL_MISMATCH');
    });

    it('allows a village-level branch under a village-level organisation', () => {
      const { village } = tree();
      expect(() => register(input({ id: 'x', code: '91042510120101', level: 'village', kind: 'branch' }), village)).not.toThrow();
    });

    it('refuses a root that is not a province', () => {
      expect(codeOf(() => register(input({ level: 'city' }), null))).toBe('ORGANIZATION.LEVEL_MISMATCH');
    });

    it('refuses an organisation established after today', () => {
      const { county } = tree();
      expect(
        codeOf(() =>
          Organization.register(input({ id: 'x', code: '910425103', level: 'township', establishedOn: '2011-06-02' }), county, TODAY),
        ),
      ).toBe('ORGANIZATION.ESTABLISHED_IN_FUTURE');
      expect(() =>
        Organization.register(input({ id: 'y', code: '910425104', level: 'township', establishedOn: TODAY }), county, TODAY),
      ).not.toThrow();
    });

    it('refuses registering under a dissolved parent', () => {
      const { townB } = tree();
      townB.dissolve({ activeMembers: 0, activeChildren: 0 }, '2011-01-01');
      expect(codeOf(() => register(input({ id: 'x', code: '910425102301', level: 'village' }), townB))).toBe('ORGANIZATION.NOT_ACTIVE');
    });
  });

  describe('moveUnder', () => {
    it('takes the new parent’s code with its own segment and records OrganizationMoved', () => {
      const { village, townA, townB } = tree();

      village.moveUnder(townB, townA, '2011-03-01', NO_DESCENDANTS);

      expect(village.code).toBe('910425102201');
      expect(village.path).toEqual(['org-1', 'city', 'county', 'town-b', 'village']);
      expect(village.pullEvents()[0]).toMatchObject({
        name: 'OrganizationMoved',
        data: {
          parentId: 'town-b',
          parentCode: '910425102',
          previousParentId: 'town-a',
          code: '910425102201',
          previousCode: '910425101201',
          movedOn: '2011-03-01',
        },
      });
    });

    it('refuses moving under one of its own descendants (a cycle)', () => {
      const { townA, village, county } = tree();
      const sub = register(input({ id: 'sub', code: '91042510120101', level: 'village', kind: 'branch' }), village);
      expect(codeOf(() => village.moveUnder(sub, townA, '2011-03-01', NO_DESCENDANTS))).toBe('ORGANIZATION.MOVE_CYCLE');
      expect(codeOf(() => county.moveUnder(county, null, '2011-03-01', NO_DESCENDANTS))).toBe('ORGANIZATION.MOVE_CYCLE');
    });

    it('refuses a new code that would take a descendant past 30 digits, naming it, and changes nothing', () => {
      const { townA, county, village } = tree();
      const newCode = `910425${'1'.repeat(24)}`;

      const refusal = (() => {
        try {
          townA.moveUnder(county, county, '2011-03-01', { longest: village.code }, newCode);
        } catch (e) {
          return e as BusinessRuleViolation;
        }
        return undefined;
      })();

      expect(refusal).toMatchObject({ code: 'ORGANIZATION.DESCENDANT_CODE_TOO_LONG', kind: 'rule' });
      expect(refusal?.message).toContain(`${newCode}201`);
      expect(refusal?.message).toContain('33');
      expect(townA.code).toBe('910425101');
      expect(townA.pullEvents()).toEqual([]);
    });

    it('moves when the longest descendant reaches exactly 30 digits', () => {
      const { townA, county, village } = tree();
      const newCode = `910425${'1'.repeat(21)}`;

      townA.moveUnder(county, county, '2011-03-01', { longest: village.code }, newCode);

      expect(townA.code).toBe(newCode);
      expect(townA.pullEvents()).toEqual([expect.objectContaining({ name: 'OrganizationMoved' })]);
    });

    it('records nothing when moved under its current parent with the same code', () => {
      const { village, townA } = tree();
      village.moveUnder(townA, townA, '2011-03-01', NO_DESCENDANTS);
      expect(village.pullEvents()).toEqual([]);
    });
  });

  describe('dissolve', () => {
    it('refuses while members remain', () => {
      const { village } = tree();
      expect(codeOf(() => village.dissolve({ activeMembers: 3, activeChildren: 0 }, '2011-01-01'))).toBe('ORGANIZATION.HAS_MEMBERS');
    });

    it('refuses while active children remain', () => {
      const { townA } = tree();
      expect(codeOf(() => townA.dissolve({ activeMembers: 0, activeChildren: 1 }, '2011-01-01'))).toBe('ORGANIZATION.HAS_CHILDREN');
    });

    it('refuses a reason carrying a personal number however written (OrganizationDissolved is published in clear)', () => {
      const { village } = tree();
      for (const reason of ['撤并，咨询1\u200b3800138000', '联系一三八〇〇一三八〇〇〇陆老师'])
        expect([reason, codeOf(() => village.dissolve({ activeMembers: 0, activeChildren: 0 }, '2011-01-01', reason))]).toEqual([
          reason,
          'ORGANIZATION.REASON_HAS_PERSONAL_NUMBER',
        ]);
      expect(village.status).toBe('active');
    });

    it('dissolves an empty organisation once and records why', () => {
      const { village } = tree();
      village.dissolve({ activeMembers: 0, activeChildren: 0 }, '2011-01-01', '项目结束');
      expect(village.status).toBe('dissolved');
      expect(village.pullEvents()[0]).toMatchObject({
        name: 'OrganizationDissolved',
        data: { dissolvedOn: '2011-01-01', reason: '项目结束' },
      });
      expect(codeOf(() => village.dissolve({ activeMembers: 0, activeChildren: 0 }, '2011-01-02'))).toBe('ORGANIZATION.NOT_ACTIVE');
    });
  });

  describe('mergeInto', () => {
    it('refuses merging into itself', () => {
      const { village } = tree();
      expect(codeOf(() => village.mergeInto(village, { activeMembers: 0, activeChildren: 0 }, '2011-01-01'))).toBe(
        'ORGANIZATION.MERGE_INTO_SELF',
      );
    });

    it('marks the organisation merged into the survivor', () => {
      const { townA, townB } = tree();
      townB.mergeInto(townA, { activeMembers: 10, activeChildren: 0 }, '2011-01-01');
      expect(townB).toMatchObject({ status: 'merged', mergedIntoId: 'town-a' });
      expect(townB.pullEvents()[0]).toMatchObject({ name: 'OrganizationMerged', data: { survivingOrganizationId: 'town-a' } });
    });
  });

  describe('a published name', () => {
    it('refuses registering or renaming to a name carrying a phone or ID-card number, and keeps the old name', () => {
      const { village, townA } = tree();
      const name = '联系人张三13800138000身份证110105194912310021';

      expect(codeOf(() => register(input({ id: 'x', code: '910425101202', level: 'village', kind: 'branch', name }), townA))).toBe(
        'ORGANIZATION.NAME_HAS_PERSONAL_NUMBER',
      );
      expect(codeOf(() => village.rename(name))).toBe('ORGANIZATION.NAME_HAS_PERSONAL_NUMBER');
      expect(village.name).toBe('红石村');
      expect(village.pullEvents()).toEqual([]);
    });

    it('refuses registering or renaming to a name with markup, shown as is on public pages, and keeps the old name', () => {
      const { village, townA } = tree();
      for (const name of ['红石村<b onmouseover=alert(1)>党支部</b>', '红石村 > 党支部']) {
        expect(codeOf(() => register(input({ id: 'x', code: '910425101202', level: 'village', kind: 'branch', name }), townA))).toBe(
          'ORGANIZATION.NAME_NOT_PLAIN_TEXT',
        );
        expect(codeOf(() => village.rename(name))).toBe('ORGANIZATION.NAME_NOT_PLAIN_TEXT');
      }
      expect(village.name).toBe('红石村');
      expect(village.pullEvents()).toEqual([]);
    });
  });

  describe('rename', () => {
    it('records the previous name and ignores a rename to the same name', () => {
      const { village } = tree();
      village.rename('红石村党总支');
      village.rename('红石村党总支');
      expect(village.pullEvents()).toEqual([
        expect.objectContaining({
          name: 'OrganizationRenamed',
          data: { organizationId: 'village', name: '红石村党总支', previousName: '红石村' },
        }),
      ]);
    });
  });
});

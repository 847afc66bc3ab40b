import type { Village } from '../../domain/shared/village';
import type { Actor } from '../ports/context.port';
import type { RosterPort } from '../ports/roster.port';
import { organizationInScope, organizationInScopeByCode } from './scope';

const org = (id: string, path: string[], status = 'active'): Village => ({ id, name: id, level: 'village', sector: 'rural', status, path });
/** A roster of `orgs`; each one's code is its id's digits unless `codes` names another. */
const rosterOf = (orgs: Village[], codes: Record<string, string> = {}): RosterPort => ({
  organization: (id) => Promise.resolve(orgs.find((o) => o.id === id) ?? null),
  organizations: (ids) => Promise.resolve(orgs.filter((o) => ids.includes(o.id))),
  organizationsWithCode: (code) => Promise.resolve(orgs.filter((o) => (codes[o.id] ?? o.id) === code)),
  isActiveMember: () => Promise.resolve(false),
});
const actor = (orgId: string | undefined): Actor => ({ sub: 's', username: 'u', roles: ['assistance_officer'], orgId, kind: 'user' });
const village = org('village', ['province', 'county', 'town', 'village']);

describe(organizationInScope.name, () => {
  it('gives the village to an actor whose active organisation lies on its path', async () => {
    expect(await organizationInScope(rosterOf([village, org('county', ['province', 'county'])]), actor('county'), 'village')).toBe(village);
  });

  it('gives nothing to one elsewhere, one without an organisation, one whose organisation was dissolved or merged, or for an unknown village', async () => {
    const other = org('other', ['province', 'other']);
    expect(await organizationInScope(rosterOf([village, other]), actor('other'), 'village')).toBeNull();
    expect(await organizationInScope(rosterOf([village]), actor(undefined), 'village')).toBeNull();
    for (const status of ['dissolved', 'merged'])
      expect(
        await organizationInScope(rosterOf([village, org('county', ['province', 'county'], status)]), actor('county'), 'village'),
      ).toBeNull();
    expect(await organizationInScope(rosterOf([village]), actor('county'), 'village')).toBeNull();
    expect(await organizationInScope(rosterOf([org('county', ['province', 'county'])]), actor('county'), 'village')).toBeNull();
  });
});

describe(organizationInScopeByCode.name, () => {
  const county = org('county', ['province', 'county']);
  const codes = { village: '910425101201', county: '910425', other: '910426101201', dissolved: '910425101201' };

  it('gives the one organisation under the code in the actor’s subtree', async () => {
    expect(await organizationInScopeByCode(rosterOf([village, county], codes), actor('county'), '910425101201')).toBe(village);
  });

  it('answers an unknown code, another subtree’s code and a code without a scope alike: nothing', async () => {
    const other = org('other', ['province', 'other']);
    const roster = rosterOf([village, county, other], codes);
    expect(await organizationInScopeByCode(roster, actor('county'), '999999')).toBeNull();
    expect(await organizationInScopeByCode(roster, actor('county'), '910426101201')).toBeNull();
    expect(await organizationInScopeByCode(roster, actor(undefined), '910425101201')).toBeNull();
    expect(
      await organizationInScopeByCode(
        rosterOf([village, org('county', ['province', 'county'], 'dissolved')], codes),
        actor('county'),
        '910425101201',
      ),
    ).toBeNull();
  });

  it('gives nothing when the code names two organisations in the subtree (the row must name its village by id), the one in scope when the other lies elsewhere', async () => {
    const twin = org('dissolved', ['province', 'county', 'town', 'dissolved'], 'dissolved');
    expect(await organizationInScopeByCode(rosterOf([village, twin, county], codes), actor('county'), '910425101201')).toBeNull();
    const elsewhere = org('dissolved', ['province', 'other', 'dissolved'], 'dissolved');
    expect(await organizationInScopeByCode(rosterOf([village, elsewhere, county], codes), actor('county'), '910425101201')).toBe(village);
  });
});

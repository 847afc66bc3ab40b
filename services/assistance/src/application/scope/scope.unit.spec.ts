import type { Village } from '../../domain/shared/village';
import type { Actor } from '../ports/context.port';
import type { RosterPort } from '../ports/roster.port';
import { organizationInScope } from './scope';

const org = (id: string, path: string[], status = 'active'): Village => ({ id, name: id, level: 'village', sector: 'rural', status, path });
const rosterOf = (...orgs: Village[]): RosterPort => ({
  organization: (id) => Promise.resolve(orgs.find((o) => o.id === id) ?? null),
  organizations: (ids) => Promise.resolve(orgs.filter((o) => ids.includes(o.id))),
  isActiveMember: () => Promise.resolve(false),
});
const actor = (orgId: string | undefined): Actor => ({ sub: 's', username: 'u', roles: ['assistance_officer'], orgId, kind: 'user' });
const village = org('village', ['province', 'county', 'town', 'village']);

describe(organizationInScope.name, () => {
  it('gives the village to an actor whose active organisation lies on its path', async () => {
    expect(await organizationInScope(rosterOf(village, org('county', ['province', 'county'])), actor('county'), 'village')).toBe(village);
  });

  it('gives nothing to one elsewhere, one without an organisation, one whose organisation was dissolved or merged, or for an unknown village', async () => {
    const other = org('other', ['province', 'other']);
    expect(await organizationInScope(rosterOf(village, other), actor('other'), 'village')).toBeNull();
    expect(await organizationInScope(rosterOf(village), actor(undefined), 'village')).toBeNull();
    for (const status of ['dissolved', 'merged'])
      expect(
        await organizationInScope(rosterOf(village, org('county', ['province', 'county'], status)), actor('county'), 'village'),
      ).toBeNull();
    expect(await organizationInScope(rosterOf(village), actor('county'), 'village')).toBeNull();
    expect(await organizationInScope(rosterOf(org('county', ['province', 'county'])), actor('county'), 'village')).toBeNull();
  });
});

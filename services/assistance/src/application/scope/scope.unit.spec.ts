import type { Village } from '../../domain/shared/village';
import type { Actor } from '../ports/context.port';
import type { RosterPort } from '../ports/roster.port';
import { isWithinActive } from './scope';

const org = (id: string, status = 'active'): Village => ({ id, name: id, level: 'county', sector: 'government_organ', status, path: [id] });
const rosterOf = (...orgs: Village[]): RosterPort => ({
  organization: (id) => Promise.resolve(orgs.find((o) => o.id === id) ?? null),
  isActiveMember: () => Promise.resolve(false),
});
const actor = (orgId: string | undefined): Actor => ({ sub: 's', username: 'u', roles: ['assistance_officer'], orgId, kind: 'user' });
const villagePath = ['province', 'county', 'town', 'village'];

describe(isWithinActive.name, () => {
  it('admits an actor whose active organisation lies on the village’s path', async () => {
    expect(await isWithinActive(rosterOf(org('county')), actor('county'), villagePath)).toBe(true);
  });

  it('refuses one elsewhere, one without an organisation, and one whose organisation was dissolved or merged', async () => {
    expect(await isWithinActive(rosterOf(org('other')), actor('other'), villagePath)).toBe(false);
    expect(await isWithinActive(rosterOf(), actor(undefined), villagePath)).toBe(false);
    expect(await isWithinActive(rosterOf(org('county', 'dissolved')), actor('county'), villagePath)).toBe(false);
    expect(await isWithinActive(rosterOf(org('county', 'merged')), actor('county'), villagePath)).toBe(false);
    expect(await isWithinActive(rosterOf(), actor('county'), villagePath)).toBe(false);
  });
});

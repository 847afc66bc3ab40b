import { InMemoryRoster } from './in-memory-roster';

const roster = () =>
  new InMemoryRoster({
    parents: { county: null, town: 'county', village: 'town', other: 'county' },
    members: [
      { id: 'sec-county', orgId: 'county', status: 'full', active: true, roles: ['secretary'] },
      { id: 'plain-county', orgId: 'county', status: 'full', active: true, roles: [] },
      { id: 'left-town', orgId: 'town', status: 'full', active: false, roles: ['committee_member'] },
      { id: 'v1', orgId: 'village', status: 'probationary', active: true, roles: [] },
      { id: 'sec-village', orgId: 'village', status: 'full', active: true, roles: ['secretary'] },
    ],
    contactPoints: [{ id: 'cp1', orgId: 'village', leaderId: 'kc-sub-1' }],
  });

describe('InMemoryRoster', () => {
  it('answers whether a member is active in an organisation', async () => {
    await expect(roster().isActiveMemberOf('v1', 'village')).resolves.toBe(true);
    await expect(roster().isActiveMemberOf('v1', 'town')).resolves.toBe(false);
    await expect(roster().isActiveMemberOf('left-town', 'town')).resolves.toBe(false);
  });

  it('counts a leader of a strict ancestor, not of the organisation itself nor a plain member', async () => {
    await expect(roster().leaderStanding({ sub: 'x', memberId: 'sec-county' }, 'village')).resolves.toEqual({
      as: 'ancestor_leader',
      viaOrgId: 'county',
      memberId: 'sec-county',
    });
    await expect(roster().leaderStanding({ sub: 'x', memberId: 'sec-village' }, 'village')).resolves.toBeNull();
    await expect(roster().leaderStanding({ sub: 'x', memberId: 'plain-county' }, 'village')).resolves.toBeNull();
    await expect(roster().leaderStanding({ sub: 'x', memberId: 'left-town' }, 'village')).resolves.toBeNull();
  });

  it('counts the contact-point leader by their subject', async () => {
    await expect(roster().leaderStanding({ sub: 'kc-sub-1' }, 'village')).resolves.toEqual({
      as: 'contact_point_leader',
      contactPointId: 'cp1',
    });
    await expect(roster().leaderStanding({ sub: 'kc-sub-1' }, 'town')).resolves.toBeNull();
  });

  it('lists leaders and active member ids of one organisation only', async () => {
    await expect(roster().leadersOf('village')).resolves.toEqual([
      { as: 'committee', memberId: 'sec-village', roles: ['secretary'] },
      { as: 'contact_point', leaderId: 'kc-sub-1', contactPointId: 'cp1' },
    ]);
    await expect(roster().activeMemberIdsOf('village')).resolves.toEqual(['sec-village', 'v1']);
    await expect(roster().activeMemberIdsOf('town')).resolves.toEqual([]);
  });
});

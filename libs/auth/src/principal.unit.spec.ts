import { principalFromClaims } from './principal';

describe(principalFromClaims.name, () => {
  const claims = (username: string, roles: string[]) => ({
    sub: 's-1',
    preferred_username: username,
    realm_access: { roles },
    azp: 'county-songling',
    org_id: 'org-910425',
  });

  it('WhenTheAccountIsAClientsServiceAccount_IsAService', () => {
    expect(principalFromClaims(claims('service-account-county-songling', ['county_system']))).toMatchObject({
      kind: 'service',
      clientId: 'county-songling',
      username: 'service-account-county-songling',
    });
  });

  it('WhenAPersonHoldsTheCountySystemRole_IsStillAUser', () => {
    expect(principalFromClaims(claims('county.organizer', ['county_system', 'organizer']))).toMatchObject({
      kind: 'user',
      roles: ['county_system', 'organizer'],
    });
  });
});

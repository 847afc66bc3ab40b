import { ScopeService } from './scope.service';

describe(ScopeService.name, () => {
  function tree(): ScopeService {
    const sut = new ScopeService();
    const edges: [string, string | null][] = [
      ['province', null],
      ['city', 'province'],
      ['county', 'city'],
      ['other-county', 'city'],
      ['town-a', 'county'],
      ['town-b', 'county'],
      ['village', 'town-a'],
    ];
    for (const [id, parentId] of edges) sut.applyChange({ kind: 'upsert', id, parentId, status: 'active' });
    return sut;
  }

  it('isWithin_WhenTargetIsBelowThePrincipalsOrganisation_ReturnsTrue', () => {
    const sut = tree();
    expect(sut.isWithin({ orgId: 'county' }, 'village')).toBe(true);
    expect(sut.isWithin({ orgId: 'town-a' }, 'town-a')).toBe(true);
  });

  it('isWithin_WhenTargetIsASiblingOrAnAncestor_ReturnsFalse', () => {
    const sut = tree();
    expect(sut.isWithin({ orgId: 'town-b' }, 'village')).toBe(false);
    expect(sut.isWithin({ orgId: 'town-a' }, 'county')).toBe(false);
    expect(sut.isWithin({ orgId: 'other-county' }, 'town-a')).toBe(false);
  });

  it('isWithin_WhenPrincipalHasNoOrgOrTargetIsUnknown_FailsClosed', () => {
    const sut = tree();
    expect(sut.isWithin({ orgId: undefined }, 'village')).toBe(false);
    expect(sut.isWithin({ orgId: 'province' }, 'nowhere')).toBe(false);
  });

  it('isWithin_AfterAMove_FollowsTheNewParent', () => {
    const sut = tree();
    sut.applyChange({ kind: 'upsert', id: 'town-a', parentId: 'other-county', status: 'active' });
    expect(sut.isWithin({ orgId: 'county' }, 'village')).toBe(false);
    expect(sut.isWithin({ orgId: 'other-county' }, 'village')).toBe(true);
  });

  it('isWithin_OnACorruptedCycle_StopsAndAnswersFalse', () => {
    const sut = new ScopeService();
    sut.applyChange({ kind: 'upsert', id: 'a', parentId: 'b', status: 'active' });
    sut.applyChange({ kind: 'upsert', id: 'b', parentId: 'a', status: 'active' });
    expect(sut.isWithin({ orgId: 'z' }, 'a')).toBe(false);
  });
});

describe(`${ScopeService.name} after organisations cease`, () => {
  function tree(): ScopeService {
    const sut = new ScopeService();
    const edges: [string, string | null][] = [
      ['county', null],
      ['town-a', 'county'],
      ['town-b', 'county'],
      ['branch-a', 'town-a'],
      ['branch-b', 'town-b'],
      ['cell', 'branch-a'],
    ];
    for (const [id, parentId] of edges) sut.applyChange({ kind: 'upsert', id, parentId, status: 'active' });
    return sut;
  }

  it('isWithin_WhenThePrincipalsOrganisationWasDissolved_GrantsNothing', () => {
    const sut = tree();
    sut.applyChange({ kind: 'upsert', id: 'branch-a', parentId: 'town-a', status: 'dissolved' });
    expect(sut.isWithin({ orgId: 'branch-a' }, 'branch-a')).toBe(false);
    expect(sut.isWithin({ orgId: 'branch-a' }, 'cell')).toBe(false);
    expect(sut.isWithin({ orgId: 'town-a' }, 'branch-a')).toBe(true);
  });

  it('isWithin_WhenAnOrganisationWasMerged_ItsSubtreeFollowsTheSurvivor', () => {
    const sut = tree();
    sut.applyChange({ kind: 'upsert', id: 'branch-a', parentId: 'town-a', status: 'merged', mergedIntoId: 'branch-b' });
    expect(sut.isWithin({ orgId: 'branch-b' }, 'branch-a')).toBe(true);
    expect(sut.isWithin({ orgId: 'town-b' }, 'cell')).toBe(true);
    expect(sut.isWithin({ orgId: 'town-a' }, 'branch-a')).toBe(false);
    expect(sut.isWithin({ orgId: 'branch-a' }, 'cell')).toBe(false);
  });

  it('isWithin_WhenAStatusChangeArrives_KeepsTheParentLink', () => {
    const sut = tree();
    sut.applyChange({ kind: 'status', id: 'town-a', status: 'dissolved' });
    expect(sut.isWithin({ orgId: 'town-a' }, 'cell')).toBe(false);
    expect(sut.isWithin({ orgId: 'county' }, 'cell')).toBe(true);
  });
});

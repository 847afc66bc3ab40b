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

  it('isRoot_OnlyForTheActiveTopOfTheTree', () => {
    const sut = tree();
    expect(sut.isRoot('province')).toBe(true);
    for (const id of ['city', 'county', 'nowhere', undefined]) expect(sut.isRoot(id)).toBe(false);
    sut.applyChange({ kind: 'status', id: 'province', status: 'dissolved' });
    expect(sut.isRoot('province')).toBe(false);
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

describe(`${ScopeService.name}.idsWithin`, () => {
  function randomTree(seed: number, size: number): { sut: ScopeService; ids: string[] } {
    let s = seed;
    const rand = () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const sut = new ScopeService();
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = `org-${i}`;
      const parentId = i === 0 ? null : ids[Math.floor(rand() * i)]!;
      const r = rand();
      // Some organisations ceased: dissolved, or merged into another, which moves their subtree.
      const status = r < 0.1 ? 'dissolved' : r < 0.2 && i > 1 ? 'merged' : 'active';
      const mergedIntoId = status === 'merged' ? ids[Math.floor(rand() * i)]! : null;
      sut.applyChange({ kind: 'upsert', id, parentId, status, ...(mergedIntoId ? { mergedIntoId } : {}) });
      ids.push(id);
    }
    return { sut, ids };
  }

  it('idsWithin_OverRandomTreesWithCeasedOrganisations_ListsExactlyWhatIsWithinAllows', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { sut, ids } = randomTree(seed, 60);
      for (const orgId of [...ids.slice(0, 8), 'unknown', undefined]) {
        const expected = ids.filter((id) => sut.isWithin({ orgId }, id)).sort();
        expect([...sut.idsWithin({ orgId })].sort()).toEqual(expected);
      }
    }
  });

  it('idsWithin_AfterTheTreeChanges_AnswersFromTheNewTree', () => {
    const sut = new ScopeService();
    sut.applyChange({ kind: 'upsert', id: 'county', parentId: null, status: 'active' });
    sut.applyChange({ kind: 'upsert', id: 'town', parentId: 'county', status: 'active' });
    expect([...sut.idsWithin({ orgId: 'county' })].sort()).toEqual(['county', 'town']);
    sut.applyChange({ kind: 'upsert', id: 'village', parentId: 'town', status: 'active' });
    expect([...sut.idsWithin({ orgId: 'county' })].sort()).toEqual(['county', 'town', 'village']);
    sut.applyChange({ kind: 'status', id: 'county', status: 'dissolved' });
    expect(sut.idsWithin({ orgId: 'county' })).toEqual([]);
  });

  it('idsBelowOrSame_ACeasedOrganisation_StillListsItsSubtree', () => {
    const { sut, ids } = randomTree(7, 60);
    for (const ancestor of ids.slice(0, 12))
      expect(sut.idsBelowOrSame(ancestor).sort()).toEqual(ids.filter((id) => sut.isBelowOrSame(id, ancestor)).sort());
    sut.applyChange({ kind: 'upsert', id: 'county', parentId: null, status: 'active' });
    sut.applyChange({ kind: 'upsert', id: 'town', parentId: 'county', status: 'active' });
    sut.applyChange({ kind: 'status', id: 'county', status: 'dissolved' });
    expect(sut.idsBelowOrSame('county').sort()).toEqual(['county', 'town']);
    expect(sut.idsBelowOrSame('unknown')).toEqual([]);
  });
});

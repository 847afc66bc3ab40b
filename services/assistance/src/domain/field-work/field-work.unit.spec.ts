import { quarterOf, shanghaiDayOf } from '../shared/day';
import { DayMustNotBeInTheFuture } from '../shared/period.rules';
import type { Village } from '../shared/village';
import { AmountMustBeWithinTheCap, MAX_AMOUNT_FEN } from '../shared/money.rules';
import { refusedBy } from '../testing/refusal';
import {
  dispatchCadre,
  issueContactCard,
  logVisit,
  recordCountyDeed,
  recordDeed,
  writeDiaryEntry,
  type Cadre,
  type Deed,
} from './field-work';
import {
  CadreMustBeAnActiveMember,
  CountyReplacesOnlyItsOwnDeed,
  DayMustFallWithinTheDispatch,
  DeedMustBeForTheVillageOf,
  HouseholdMustLiveInTheCadresVillage,
  VisitedHouseholdsMustHoldTheCadresCard,
  VisitNamesEachHouseholdOnce,
  DispatchesToAVillageMustNotOverlap,
} from './field-work.rules';

const TODAY = '2011-06-30';
const village: Village = { id: 'v1', name: '红石村', level: 'village', sector: 'rural', status: 'active', path: ['c', 't', 'v1'] };
const cadre: Cadre = {
  id: 'c1',
  memberId: 'm1',
  orgId: 'v1',
  role: 'first_secretary',
  sendingUnitName: '旗财政局',
  from: '2011-03-01',
  to: '2013-02-28',
};

describe('field work', () => {
  it('dispatches only an active roster member', () => {
    const input = {
      id: 'c1',
      memberId: 'm1',
      role: 'first_secretary' as const,
      sendingUnitName: '旗财政局',
      from: '2011-03-01',
      to: '2013-02-28',
    };
    expect(dispatchCadre(input, village, true).events[0]!.data).toMatchObject({ cadreId: 'c1', memberId: 'm1', orgId: 'v1' });
    expect(refusedBy(() => dispatchCadre(input, village, false), CadreMustBeAnActiveMember)).toBe(true);
    expect(refusedBy(() => dispatchCadre(input, village, true, ['c0']), DispatchesToAVillageMustNotOverlap)).toBe(true);
  });

  it('links households of the cadre’s own village only', () => {
    expect(() => issueContactCard(cadre, { orgId: 'v1' })).not.toThrow();
    expect(refusedBy(() => issueContactCard(cadre, { orgId: 'v2' }), HouseholdMustLiveInTheCadresVillage)).toBe(true);
  });

  it('logs a visit to card holders on a day of the dispatch, by household id only', () => {
    const holders = new Set(['h1', 'h2']);
    const events = logVisit(cadre, { id: 'vis1', visitedOn: '2011-06-02', householdIds: ['h1', 'h2'] }, holders, TODAY);
    expect(
      refusedBy(
        () => logVisit(cadre, { id: 'v2', visitedOn: '2011-06-02', householdIds: ['h1', 'h2', 'h1'] }, holders, TODAY),
        VisitNamesEachHouseholdOnce,
      ),
    ).toBe(true);
    expect(events[0]!.data).toEqual({ visitId: 'vis1', cadreId: 'c1', orgId: 'v1', visitedOn: '2011-06-02', householdIds: ['h1', 'h2'] });
    expect(
      refusedBy(
        () => logVisit(cadre, { id: 'x', visitedOn: '2011-06-02', householdIds: ['h1', 'h3'] }, holders, TODAY),
        VisitedHouseholdsMustHoldTheCadresCard,
      ),
    ).toBe(true);
    expect(
      refusedBy(
        () => logVisit(cadre, { id: 'x', visitedOn: '2011-02-27', householdIds: ['h1'] }, holders, TODAY),
        DayMustFallWithinTheDispatch,
      ),
    ).toBe(true);
    expect(refusedBy(() => writeDiaryEntry(cadre, '2011-07-01', TODAY), DayMustNotBeInTheFuture)).toBe(true);
  });

  it('records a deed for the village of the cadre and pairing named', () => {
    const deed: Deed = {
      id: 'd1',
      pairingId: 'p1',
      cadreId: 'c1',
      category: 'drinking_water',
      title: '修井',
      doneOn: '2011-06-01',
      amountFen: null,
      householdsHelped: 3,
    };
    expect(recordDeed(deed, village, { cadreOrgId: 'v1', pairingOrgId: 'v1' }, TODAY)[0]!.data).not.toHaveProperty('amountFen');
    expect(refusedBy(() => recordDeed(deed, village, { cadreOrgId: 'v2' }, TODAY), DeedMustBeForTheVillageOf)).toBe(true);
    expect(refusedBy(() => recordDeed(deed, village, { pairingOrgId: 'v2' }, TODAY), DeedMustBeForTheVillageOf)).toBe(true);
    expect(refusedBy(() => recordDeed({ ...deed, amountFen: MAX_AMOUNT_FEN + 1 }, village, {}, TODAY), AmountMustBeWithinTheCap)).toBe(
      true,
    );
  });

  it('counts quarters in China time', () => {
    expect(quarterOf('2011-02-28')).toEqual({ label: '2011-Q1', first: '2011-01-01', last: '2011-03-31' });
    expect(quarterOf('2012-12-31')).toEqual({ label: '2012-Q4', first: '2012-10-01', last: '2012-12-31' });
    // 31 March 17:00 UTC is already 1 April in 北京时间: the second quarter.
    expect(quarterOf(shanghaiDayOf(new Date('2011-03-31T17:00:00Z'))).label).toBe('2011-Q2');
  });
});

describe(recordCountyDeed.name, () => {
  const deed: Deed = {
    id: 'd1',
    pairingId: null,
    cadreId: null,
    category: 'drinking_water',
    title: '打井一眼',
    doneOn: '2011-06-01',
    amountFen: 1_250_000,
    householdsHelped: 0,
  };

  it('given no deed with its id, when a county records it, then it is announced once', () => {
    const sut = recordCountyDeed(deed, village, 'county-songling', null, TODAY);
    expect(sut).toMatchObject({ replaces: false, events: [{ data: { deedId: 'd1', amountFen: 1_250_000 } }] });
  });

  const recorded = {
    orgId: 'v1',
    category: deed.category,
    title: deed.title,
    doneOn: deed.doneOn,
    amountFen: deed.amountFen,
    householdsHelped: 0,
  };
  const own = (before = recorded) => ({ countyClientId: 'county-songling', deed: before });

  it('given the county’s own earlier record, when it sends the deed changed, then it replaces it and announces the correction with what it was', () => {
    const sut = recordCountyDeed({ ...deed, title: '打井一眼并配水泵', amountFen: 1_480_000 }, village, 'county-songling', own(), TODAY);
    expect(sut.replaces).toBe(true);
    expect(sut.events.map((e) => e.contract.type)).toEqual(['assistance.DeedCorrected']);
    expect(sut.events[0]!.data).toEqual({
      deedId: 'd1',
      orgId: 'v1',
      category: 'drinking_water',
      title: '打井一眼并配水泵',
      doneOn: '2011-06-01',
      amountFen: 1_480_000,
      householdsHelped: 0,
      previous: {
        orgId: 'v1',
        category: 'drinking_water',
        title: '打井一眼',
        doneOn: '2011-06-01',
        amountFen: 1_250_000,
        householdsHelped: 0,
      },
    });
  });

  it('given the county’s record for another village, when it corrects the village, then previous names the village it was for', () => {
    const sut = recordCountyDeed(deed, village, 'county-songling', own({ ...recorded, orgId: 'v0', amountFen: null }), TODAY);
    expect(sut.events[0]!.data).toMatchObject({ orgId: 'v1', amountFen: 1_250_000, previous: { orgId: 'v0' } });
    expect(sut.events[0]!.data).not.toHaveProperty('previous.amountFen');
  });

  it('given the county’s own earlier record, when it sends the same deed again, then nothing is announced', () => {
    expect(recordCountyDeed(deed, village, 'county-songling', own(), TODAY)).toEqual({ replaces: true, events: [] });
  });

  it('given a deed logged by hand or by another county, when a county sends its id, then it is refused', () => {
    expect(
      refusedBy(
        () => recordCountyDeed(deed, village, 'county-songling', { countyClientId: null, deed: recorded }, TODAY),
        CountyReplacesOnlyItsOwnDeed,
      ),
    ).toBe(true);
    expect(
      refusedBy(
        () => recordCountyDeed(deed, village, 'county-songling', { countyClientId: 'county-hekou', deed: recorded }, TODAY),
        CountyReplacesOnlyItsOwnDeed,
      ),
    ).toBe(true);
  });

  it('given a day in the future, when a county records a deed, then the village rule refuses it as for any deed', () => {
    expect(
      refusedBy(
        () => recordCountyDeed({ ...deed, doneOn: '2011-07-01' }, village, 'county-songling', null, TODAY),
        DayMustNotBeInTheFuture,
      ),
    ).toBe(true);
  });
});

import { specificationFor } from '@vanguard/kernel/testing';
import {
  NOMINATION_ID,
  OTHER_NOMINATION_ID,
  PROGRAMME_ID,
  TOWNSHIP,
  countyOrganizer,
  townshipReviewer,
} from '../__fixtures__/commendation.fixtures';
import { QuotaIsNotExceededRule } from '../nomination/nomination.rules';
import type { GrantPlace, PlaceLevel, ReleasePlaces } from './places.commands';
import { placesDecider } from './places.decide';
import type { PlaceGrantedEvent, PlacesEvent } from './places.events';
import { PlacesAreFreedOnlyByANominationThatLeftTheLevelsRule } from './places.rules';
import { holdersFor, placesStreamId } from './places.state';

const spec = specificationFor(placesDecider);
const STREAM = placesStreamId(PROGRAMME_ID, TOWNSHIP);
const THIRD = '01960000-0000-7000-8000-0000000000c3';
const programme = { streamId: `award-programme-${PROGRAMME_ID}`, version: 3 };
const nomination = (id: string) => ({ streamId: `nomination-${id}`, version: 2 });

const grant = (nominationId: string, level: PlaceLevel = 'township', places = 2): GrantPlace => ({
  type: 'GrantPlace',
  data: {
    programmeId: PROGRAMME_ID,
    unitOrgId: TOWNSHIP,
    category: 'outstanding_member',
    level,
    nominationId,
    places,
    programme,
    nomination: nomination(nominationId),
    decidedBy: townshipReviewer,
  },
});
const granted = (nominationId: string, level: PlaceLevel, usedBefore: number, version: number, places = 2): PlaceGrantedEvent => ({
  type: 'commendation.PlaceGranted',
  data: {
    programmeId: PROGRAMME_ID,
    unitOrgId: TOWNSHIP,
    category: 'outstanding_member',
    level,
    nominationId,
    places,
    usedBefore,
    decision: {
      decidedBy: townshipReviewer,
      inputs: [{ streamId: STREAM, version }, programme, nomination(nominationId)],
      rule: { id: 'commendation.nomination.within-quota', version: 1 },
      checks: [],
      reason: '',
    },
  },
});
const release = (because: ReleasePlaces['data']['because'], status: ReleasePlaces['data']['status']): ReleasePlaces => ({
  type: 'ReleasePlaces',
  data: {
    programmeId: PROGRAMME_ID,
    unitOrgId: TOWNSHIP,
    category: 'outstanding_member',
    nominationId: NOMINATION_ID,
    because,
    status,
    nomination: nomination(NOMINATION_ID),
    decidedBy: countyOrganizer,
    reason: '事迹不实',
  },
});
const released = (levels: PlaceLevel[], because: ReleasePlaces['data']['because'], version: number): PlacesEvent => ({
  type: 'commendation.PlacesReleased',
  data: {
    programmeId: PROGRAMME_ID,
    unitOrgId: TOWNSHIP,
    category: 'outstanding_member',
    nominationId: NOMINATION_ID,
    levels,
    because,
    decision: {
      decidedBy: countyOrganizer,
      inputs: [{ streamId: STREAM, version }, nomination(NOMINATION_ID)],
      rule: { id: 'commendation.places.freed-on-leaving', version: 1 },
      checks: [],
      reason: '事迹不实',
    },
  },
});

describe('places (名额)', () => {
  it('grants a free place, recording how many others held one before', () =>
    spec
      .given([granted(OTHER_NOMINATION_ID, 'township', 0, 0)])
      .when(grant(NOMINATION_ID))
      .then([granted(NOMINATION_ID, 'township', 1, 1)]));

  it('records who a nominator-level place is taken for, and tells the holders of one nominee apart from older unnamed grants', () => {
    const MEMBER = '01960000-0000-7000-8000-0000000000d1';
    const named = grant(NOMINATION_ID, 'nominator');
    const withNominee: GrantPlace = { ...named, data: { ...named.data, nomineeId: MEMBER } };
    const { places, usedBefore, decision, ...head } = granted(NOMINATION_ID, 'nominator', 0, 0).data;
    spec
      .given([])
      .when(withNominee)
      .then([{ type: 'commendation.PlaceGranted', data: { ...head, nomineeId: MEMBER, places, usedBefore, decision } }]);
    const state = [
      granted(OTHER_NOMINATION_ID, 'nominator', 0, 0),
      placesDecider.decide(withNominee, placesDecider.initialState())[0]!,
    ].reduce((st, e, i) => placesDecider.evolve({ ...st, version: i }, e), placesDecider.initialState());
    expect(holdersFor(state, 'outstanding_member', 'nominator', MEMBER)).toEqual({
      holding: NOMINATION_ID,
      unnamed: [OTHER_NOMINATION_ID],
    });
    expect(holdersFor(state, 'outstanding_member', 'nominator', THIRD)).toEqual({ holding: undefined, unnamed: [OTHER_NOMINATION_ID] });
  });

  it('refuses the place past the allocation, naming the quota rule', () =>
    spec
      .given([granted(OTHER_NOMINATION_ID, 'township', 0, 0), granted(THIRD, 'township', 1, 1)])
      .when(grant(NOMINATION_ID))
      .thenRefuses(QuotaIsNotExceededRule, 'NOMINATION.OVER_QUOTA'));

  it('counts each level apart: the nominator’s places do not use the township’s', () =>
    spec
      .given([granted(OTHER_NOMINATION_ID, 'nominator', 0, 0), granted(THIRD, 'nominator', 1, 1)])
      .when(grant(NOMINATION_ID, 'township'))
      .then([granted(NOMINATION_ID, 'township', 0, 2)]));

  it('grants nothing to a nomination already holding the place', () =>
    spec
      .given([granted(NOMINATION_ID, 'township', 0, 0)])
      .when(grant(NOMINATION_ID, 'township', 1))
      .then([]));

  it('frees every place of a rejected nomination, so the next one fits', () => {
    const history = [granted(NOMINATION_ID, 'nominator', 0, 0, 1), granted(NOMINATION_ID, 'township', 0, 1, 1)];
    spec
      .given(history)
      .when(release('rejected', 'rejected'))
      .then([released(['nominator', 'township'], 'rejected', 2)]);
    spec
      .given([...history, released(['nominator', 'township'], 'rejected', 2)])
      .when(grant(THIRD, 'township', 1))
      .then([granted(THIRD, 'township', 0, 3, 1)]);
  });

  it('frees only the reviewing levels of an amended nomination (it keeps its submission’s place)', () =>
    spec
      .given([granted(NOMINATION_ID, 'nominator', 0, 0), granted(NOMINATION_ID, 'township', 0, 1)])
      .when(release('amended', 'under_review'))
      .then([released(['township'], 'amended', 2)]));

  it('records nothing when the nomination holds no place', () => spec.given([]).when(release('withdrawn', 'withdrawn')).then([]));

  it('refuses to free the places of a nomination still in the running', () =>
    spec
      .given([granted(NOMINATION_ID, 'nominator', 0, 0)])
      .when(release('withdrawn', 'shortlisted'))
      .thenRefuses(PlacesAreFreedOnlyByANominationThatLeftTheLevelsRule, 'PLACES.STILL_HELD'));
});

import { specificationFor } from '@vanguard/kernel/testing';
import { fold } from '@vanguard/kernel';
import {
  CITY,
  COUNTY,
  countyOrganizer,
  ids,
  PATH_TO_TOWNSHIP,
  PATH_TO_VILLAGE,
  PROGRAMME_ID,
  TIMELINE,
  TOWNSHIP,
  townshipSecretary,
  VILLAGE,
} from '../__fixtures__/commendation.fixtures';
import type { LaunchAwardProgramme, ProgrammeCommand } from './programme.commands';
import { programmeDecider } from './programme.decide';
import type { AwardProgrammeLaunchedEvent, QuotaAllocatedEvent } from './programme.events';
import { placesOf, programmeFacts } from './programme.facts';
import {
  AwardingBodyActsForItsProgrammeRule,
  CategoriesFitTheLevelRule,
  CategoryIsInTheProgrammeRule,
  EligibilityPoliciesAreKnownRule,
  PlacesAreACountRule,
  ProgrammeIsLaunchedOnceRule,
  ProgrammeIsLaunchedRule,
  ProgrammeLevelIsTheAwardingBodysLevelRule,
  ProgrammeYearsAreDistinctRule,
  QuotaGoesToASubordinateUnitRule,
  QuotaIsAllocatedBeforeNominationsCloseRule,
  TimelineIsInOrderRule,
} from './programme.rules';

const spec = specificationFor(programmeDecider);
const STREAM = `award-programme-${PROGRAMME_ID}`;

const launch = (data: Partial<LaunchAwardProgramme['data']> = {}): ProgrammeCommand => ({
  type: 'LaunchAwardProgramme',
  data: {
    programmeId: PROGRAMME_ID,
    name: '2010—2012 年创先争优活动专项表彰',
    orgId: COUNTY,
    level: 'county',
    categories: ['advanced_organization', 'outstanding_member', 'outstanding_party_worker'],
    years: [2010, 2011, 2012],
    timeline: TIMELINE,
    awardingOrgLevel: 'county',
    decidedBy: countyOrganizer,
    reason: '4 月部署，七一前召开表彰大会',
    ...data,
  },
});
const launched: AwardProgrammeLaunchedEvent = {
  type: 'commendation.AwardProgrammeLaunched',
  data: {
    programmeId: PROGRAMME_ID,
    name: '2010—2012 年创先争优活动专项表彰',
    orgId: COUNTY,
    level: 'county',
    categories: ['advanced_organization', 'outstanding_member', 'outstanding_party_worker'],
    years: [2010, 2011, 2012],
    timeline: TIMELINE,
    eligibilityPolicies: [
      { id: 'commendation.eligibility.review-grade', version: 2 },
      { id: 'commendation.eligibility.org-tier', version: 1 },
      { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
    ],
    decision: {
      decidedBy: countyOrganizer,
      inputs: [],
      rule: { id: 'commendation.programme.awarding-body-acts', version: 1 },
      checks: [
        'commendation.programme.launched-once',
        'commendation.programme.level-of-awarding-body',
        'commendation.programme.categories-fit-level',
        'commendation.programme.years-distinct',
        'commendation.programme.timeline-in-order',
        'commendation.programme.policies-known',
      ].map((id) => ({ id, version: 1 })),
      reason: '4 月部署，七一前召开表彰大会',
      orgPaths: [{ of: 'awarding-body', orgs: [{ orgId: COUNTY, level: 'county' }] }],
    },
  },
};
const allocate = (data: Partial<Extract<ProgrammeCommand, { type: 'AllocateQuota' }>['data']> = {}): ProgrammeCommand => ({
  type: 'AllocateQuota',
  data: {
    unitOrgId: TOWNSHIP,
    unitOrgPath: ids(PATH_TO_TOWNSHIP),
    category: 'outstanding_member',
    places: 3,
    today: '2012-04-05',
    decidedBy: countyOrganizer,
    ...data,
  },
});
const allocated: QuotaAllocatedEvent = {
  type: 'commendation.QuotaAllocated',
  data: {
    programmeId: PROGRAMME_ID,
    unitOrgId: TOWNSHIP,
    category: 'outstanding_member',
    places: 3,
    allocatedOn: '2012-04-05',
    decision: {
      decidedBy: countyOrganizer,
      inputs: [{ streamId: STREAM, version: 1 }],
      rule: { id: 'commendation.programme.quota-to-subordinate-unit', version: 1 },
      checks: [
        'commendation.programme.launched',
        'commendation.programme.awarding-body-acts',
        'commendation.programme.category-in-programme',
        'commendation.programme.places-count',
        'commendation.programme.quota-before-close',
      ].map((id) => ({ id, version: 1 })),
      reason: '',
      orgPaths: [{ of: 'unit', orgs: ids(PATH_TO_TOWNSHIP).map((orgId) => ({ orgId })) }],
    },
  },
};
const withTimeline = (t: Partial<typeof TIMELINE>) => launch({ timeline: { ...TIMELINE, ...t } });

describe('programmeDecider', () => {
  describe('LaunchAwardProgramme', () => {
    it('launches the programme, holding it to the current version of every eligibility policy', () =>
      spec.given([]).when(launch()).then([launched]));
    it('holds it to the policy versions it names', () =>
      spec
        .given([])
        .when(launch({ eligibilityPolicies: [{ id: 'commendation.eligibility.review-grade', version: 1 }] }))
        .thenMatches((e) =>
          expect(e[0]!.data).toMatchObject({ eligibilityPolicies: [{ id: 'commendation.eligibility.review-grade', version: 1 }] }),
        ));
    it('is launched once', () => spec.given([launched]).when(launch()).thenRefuses(ProgrammeIsLaunchedOnceRule));
    it('is launched by the awarding body, not a township', () =>
      spec
        .given([])
        .when(launch({ decidedBy: townshipSecretary }))
        .thenRefuses(AwardingBodyActsForItsProgrammeRule));
    it('is launched by an organiser of the awarding body, not its reviewer', () =>
      spec
        .given([])
        .when(launch({ decidedBy: { ...countyOrganizer, role: 'reviewer' } }))
        .thenRefuses(AwardingBodyActsForItsProgrammeRule));
    it('is at the awarding body’s own level', () =>
      spec
        .given([])
        .when(launch({ awardingOrgLevel: 'city' }))
        .thenRefuses(ProgrammeLevelIsTheAwardingBodysLevelRule));
    it('does not let a county commend county committees', () =>
      spec
        .given([])
        .when(launch({ categories: ['advanced_county_committee'] }))
        .thenRefuses(CategoriesFitTheLevelRule));
    it('lets a city commend county committees', () =>
      spec
        .given([])
        .when(
          launch({
            orgId: CITY,
            level: 'city',
            awardingOrgLevel: 'city',
            categories: ['advanced_county_committee'],
            decidedBy: { ...countyOrganizer, orgId: CITY },
            timeline: { ...TIMELINE, reviewDeadlines: [...TIMELINE.reviewDeadlines, { level: 'city', dueOn: '2012-06-05' }] },
          }),
        )
        .thenMatches((e) => expect(e[0]!.type).toBe('commendation.AwardProgrammeLaunched')));
    it('lists no category twice', () =>
      spec
        .given([])
        .when(launch({ categories: ['outstanding_member', 'outstanding_member'] }))
        .thenRefuses(CategoriesFitTheLevelRule));
    it('lists no year twice', () =>
      spec
        .given([])
        .when(launch({ years: [2011, 2011] }))
        .thenRefuses(ProgrammeYearsAreDistinctRule));
    it('has a review deadline for every level from the township up to the awarding level', () =>
      spec
        .given([])
        .when(withTimeline({ reviewDeadlines: [{ level: 'county', dueOn: '2012-05-31' }] }))
        .thenRefuses(TimelineIsInOrderRule));
    it('has lower levels’ deadlines first', () =>
      spec
        .given([])
        .when(
          withTimeline({
            reviewDeadlines: [
              { level: 'township', dueOn: '2012-05-31' },
              { level: 'county', dueOn: '2012-05-20' },
            ],
          }),
        )
        .thenRefuses(TimelineIsInOrderRule));
    it('closes nominations after it opens them', () =>
      spec
        .given([])
        .when(withTimeline({ nominationOpensOn: '2012-05-11' }))
        .thenRefuses(TimelineIsInOrderRule));
    it('decides after the last review deadline', () =>
      spec
        .given([])
        .when(withTimeline({ decisionOn: '2012-05-31' }))
        .thenRefuses(TimelineIsInOrderRule));
    it('knows every policy version it names', () =>
      spec
        .given([])
        .when(launch({ eligibilityPolicies: [{ id: 'commendation.eligibility.org-tier', version: 9 }] }))
        .thenRefuses(EligibilityPoliciesAreKnownRule));
  });

  describe('AllocateQuota (名额)', () => {
    it('allocates places to a unit directly below the awarding body, recording the programme version read', () =>
      spec.given([launched]).when(allocate()).then([allocated]));
    it('records the unit’s path at the tree copy’s versions when the handler passes them', () =>
      spec
        .given([launched])
        .when(allocate({ orgVersions: { [COUNTY]: 7, [TOWNSHIP]: 2 } }))
        .thenMatches((e) =>
          expect(e[0]!.data.decision.inputs).toEqual([
            { streamId: STREAM, version: 1 },
            { streamId: `organization-${COUNTY}`, version: 7 },
            { streamId: `organization-${TOWNSHIP}`, version: 2 },
          ]),
        ));
    it('is not given to a unit two levels down', () =>
      spec
        .given([launched])
        .when(allocate({ unitOrgId: VILLAGE, unitOrgPath: ids(PATH_TO_VILLAGE) }))
        .thenRefuses(QuotaGoesToASubordinateUnitRule));
    it('needs a launched programme', () => spec.given([]).when(allocate()).thenRefuses(ProgrammeIsLaunchedRule));
    it('is allocated by the awarding body', () =>
      spec
        .given([launched])
        .when(allocate({ decidedBy: townshipSecretary }))
        .thenRefuses(AwardingBodyActsForItsProgrammeRule));
    it('is for a category the programme awards', () =>
      spec
        .given([launched])
        .when(allocate({ category: 'advanced_county_committee' }))
        .thenRefuses(CategoryIsInTheProgrammeRule));
    it('is a whole number of places', () =>
      spec
        .given([launched])
        .when(allocate({ places: 1.5 }))
        .thenRefuses(PlacesAreACountRule));
    it('is settled before nominations close', () =>
      spec
        .given([launched])
        .when(allocate({ today: '2012-05-11' }))
        .thenRefuses(QuotaIsAllocatedBeforeNominationsCloseRule));
    it('is replaced by a later allocation for the same unit and category', () => {
      const again: QuotaAllocatedEvent = { ...allocated, data: { ...allocated.data, places: 5 } };
      const state = fold(programmeDecider, [launched, allocated, again]);
      expect([placesOf(state, TOWNSHIP, 'outstanding_member'), placesOf(state, TOWNSHIP, 'advanced_organization')]).toEqual([5, 0]);
    });
  });

  it('gives a nomination decision the programme as it read it', () =>
    expect(programmeFacts(fold(programmeDecider, [launched, allocated]))).toMatchObject({
      streamId: STREAM,
      version: 2,
      orgId: COUNTY,
      years: [2010, 2011, 2012],
    }));
});

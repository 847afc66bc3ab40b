import { specificationFor } from '@vanguard/kernel/testing';
import {
  COUNTY,
  countyOrganizer,
  deeds,
  ids,
  member,
  MEMBER,
  NOMINATION_ID,
  OTHER_VILLAGE,
  PATH_TO_TOWNSHIP,
  PATH_TO_VILLAGE,
  PROGRAMME_ID,
  programmeFacts,
  steadyMemberFacts,
  TOWNSHIP,
  townshipSecretary,
  VILLAGE,
  villageAsNominee,
  villageSecretary,
  advancedVillageFacts,
} from '../__fixtures__/commendation.fixtures';
import { submit, submitted } from '../__fixtures__/nomination.fixtures';
import { CategoryIsInTheProgrammeRule } from '../programme/programme.rules';
import { eligibilityRefusal } from './eligibility-refusal';
import { nominationDecider } from './nomination.decide';
import {
  DeedsCarryNoPersonalNumbersRule,
  NominationComesFromBelowTheAwardingBodyRule,
  NominationIsInTheWindowRule,
  NominationIsSubmittedOnceRule,
  NomineeFitsTheCategoryRule,
  NomineeIsInTheNominatorsCareRule,
  NomineeIsNominatedOnceRule,
  QuotaIsNotExceededRule,
} from './nomination.rules';
import { reviewChainOf } from './review-chain';

const spec = specificationFor(nominationDecider);
const PROGRAMME_STREAM = `award-programme-${PROGRAMME_ID}`;
const reviewStream = (y: number) => ({ streamId: `review-${MEMBER}-${y}`, version: 5 });
const massStream = (y: number) => ({ streamId: `mass-evaluation-01950000-0000-7000-8000-00000000${y}`, version: 4 });

describe('nominationDecider: SubmitNomination (自下而上推荐)', () => {
  it('checks eligibility, recording each policy, what it read and the programme version, then submits up the chain', () =>
    spec
      .given([])
      .when(submit())
      .thenMatches((events) =>
        expect(events).toEqual([
          {
            type: 'commendation.EligibilityChecked',
            data: {
              nominationId: NOMINATION_ID,
              programmeId: PROGRAMME_ID,
              category: 'outstanding_member',
              nominee: { kind: 'member', id: MEMBER },
              eligible: true,
              results: [
                {
                  policy: { id: 'commendation.eligibility.review-grade', version: 2 },
                  passed: true,
                  inputs: [2010, 2011, 2012].map(reviewStream),
                },
                {
                  policy: { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
                  passed: true,
                  inputs: [2011, 2012].map(massStream),
                },
              ],
              decision: {
                decidedBy: villageSecretary,
                inputs: [
                  { streamId: PROGRAMME_STREAM, version: 3 },
                  ...[2010, 2011, 2012].map(reviewStream),
                  ...[2011, 2012].map(massStream),
                ],
                rule: { id: 'commendation.eligibility', version: 1 },
                reason: '符合表彰所定的各项资格条件 / meets every eligibility policy of the programme',
              },
            },
          },
          {
            type: 'commendation.NominationSubmitted',
            data: {
              nominationId: NOMINATION_ID,
              programmeId: PROGRAMME_ID,
              category: 'outstanding_member',
              nominee: member,
              nominatorOrgId: VILLAGE,
              deeds,
              chain: [
                { orgId: TOWNSHIP, level: 'township', dueOn: '2012-05-20' },
                { orgId: COUNTY, level: 'county', dueOn: '2012-05-31' },
              ],
              quota: { unitOrgId: TOWNSHIP, places: 3, usedBefore: 1 },
              submittedOn: '2012-04-20',
              decision: {
                decidedBy: villageSecretary,
                inputs: [{ streamId: PROGRAMME_STREAM, version: 3 }],
                rule: { id: 'commendation.nomination.within-quota', version: 1 },
                checks: [
                  'commendation.nomination.submitted-once',
                  'commendation.programme.category-in-programme',
                  'commendation.nomination.nominee-fits-category',
                  'commendation.nomination.from-below',
                  'commendation.nomination.nominee-in-subtree',
                  'commendation.nomination.in-window',
                  'commendation.nomination.nominee-once',
                  'commendation.nomination.no-personal-numbers',
                ].map((id) => ({ id, version: id.endsWith('no-personal-numbers') ? 4 : 1 })),
                reason: '群众公认，事迹突出',
                orgPaths: [
                  { of: 'nominator', orgs: PATH_TO_VILLAGE },
                  { of: 'nominee', orgs: ids(PATH_TO_VILLAGE).map((orgId) => ({ orgId })) },
                ],
              },
            },
          },
        ]),
      ));

  it('records the paths it checked, the nominator’s with the levels its chain was drawn from, the nominee’s as found (ADR 0080)', () =>
    spec
      .given([])
      .when(submit({ nominatorOrgPath: PATH_TO_TOWNSHIP, decidedBy: townshipSecretary, category: 'outstanding_party_worker' }))
      .thenMatches((e) =>
        expect(e[1]).toMatchObject({
          data: {
            decision: {
              orgPaths: [
                { of: 'nominator', orgs: PATH_TO_TOWNSHIP },
                { of: 'nominee', orgs: ids(PATH_TO_VILLAGE).map((orgId) => ({ orgId })) },
              ],
            },
          },
        }),
      ));

  it('records the organisation path it checked, at the tree copy’s versions, when the handler passes them (ADR 0032)', () =>
    spec
      .given([])
      .when(submit({ orgVersions: Object.fromEntries(ids(PATH_TO_VILLAGE).map((id, i) => [id, i + 1])) }))
      .thenMatches((e) =>
        expect(e[1]).toMatchObject({
          data: {
            decision: {
              inputs: [
                { streamId: PROGRAMME_STREAM, version: 3 },
                ...ids(PATH_TO_VILLAGE).map((id, i) => ({ streamId: `organization-${id}`, version: i + 1 })),
              ],
            },
          },
        }),
      ));

  it('lets a township nominate its own party worker, reviewed by the county alone', () =>
    spec
      .given([])
      .when(submit({ category: 'outstanding_party_worker', nominatorOrgPath: PATH_TO_TOWNSHIP, decidedBy: townshipSecretary }))
      .thenMatches((e) =>
        expect(e[1]!.data).toMatchObject({ chain: [{ orgId: COUNTY, level: 'county' }], quota: { unitOrgId: TOWNSHIP } }),
      ));

  it('sends a branch directly under the county straight to the county', () => {
    const path = [...PATH_TO_TOWNSHIP.slice(0, 3), { orgId: OTHER_VILLAGE, level: 'village' as const }];
    expect(reviewChainOf(path, programmeFacts()).map((s) => s.orgId)).toEqual([COUNTY]);
  });

  it('is reviewed at each level by the topmost organisation of that level (the township committee, not a general branch under it)', () => {
    const generalBranch = '00000000-0000-4000-8000-000320612151';
    const path = [...PATH_TO_TOWNSHIP, { orgId: generalBranch, level: 'township' as const }, { orgId: VILLAGE, level: 'village' as const }];
    expect(reviewChainOf(path, programmeFacts()).map((s) => s.orgId)).toEqual([TOWNSHIP, COUNTY]);
  });

  it('lets a branch nominate itself as an advanced organisation', () =>
    spec
      .given([])
      .when(submit({ category: 'advanced_organization', nominee: villageAsNominee, eligibility: advancedVillageFacts }))
      .thenMatches((e) => expect(e.map((x) => x.type)).toEqual(['commendation.EligibilityChecked', 'commendation.NominationSubmitted'])));

  it('records an ineligible nominee’s check, naming the policy that refused, and submits nothing', () =>
    spec
      .given([])
      .when(submit({ eligibility: steadyMemberFacts }))
      .thenMatches((events) => {
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'commendation.EligibilityChecked',
          data: { eligible: false, decision: { rule: { id: 'commendation.eligibility.review-grade', version: 2 } } },
        });
        expect(eligibilityRefusal(events)).toMatchObject({ code: 'ELIGIBILITY.REVIEW_GRADE', kind: 'rule' });
      }));

  it('gives no refusal when the nomination went through', () => expect(eligibilityRefusal(submitted())).toBeNull());

  it('is submitted once', () => spec.given(submitted()).when(submit()).thenRefuses(NominationIsSubmittedOnceRule));
  it('is refused when the unit’s places at the nominating level are used up', () =>
    spec
      .given([])
      .when(submit({ quota: { places: 3, used: 3 } }))
      .thenRefuses(QuotaIsNotExceededRule));
  it('is refused for a unit with no places in the category', () =>
    spec
      .given([])
      .when(submit({ quota: { places: 0, used: 0 } }))
      .thenRefuses(QuotaIsNotExceededRule));
  it('is refused before the nomination window opens', () =>
    spec
      .given([])
      .when(submit({ today: '2012-04-09' }))
      .thenRefuses(NominationIsInTheWindowRule));
  it('is refused after the nomination window closes', () =>
    spec
      .given([])
      .when(submit({ today: '2012-05-11' }))
      .thenRefuses(NominationIsInTheWindowRule));
  it('is refused for a category the programme does not award', () =>
    spec
      .given([])
      .when(submit({ programme: programmeFacts({ categories: ['advanced_organization'] }) }))
      .thenRefuses(CategoryIsInTheProgrammeRule));
  it('does not nominate an organisation as an outstanding member', () =>
    spec
      .given([])
      .when(submit({ nominee: villageAsNominee }))
      .thenRefuses(NomineeFitsTheCategoryRule));
  it('is submitted by the nominating organisation itself', () =>
    spec
      .given([])
      .when(submit({ decidedBy: { ...villageSecretary, orgId: OTHER_VILLAGE } }))
      .thenRefuses(NominationComesFromBelowTheAwardingBodyRule));
  it('is submitted in a nominating role', () =>
    spec
      .given([])
      .when(submit({ decidedBy: { ...villageSecretary, role: 'editor' } }))
      .thenRefuses(NominationComesFromBelowTheAwardingBodyRule));
  it('does not come from the awarding body itself (no level would review it)', () =>
    spec
      .given([])
      .when(submit({ nominatorOrgPath: PATH_TO_VILLAGE.slice(0, 3), decidedBy: countyOrganizer }))
      .thenRefuses(NominationComesFromBelowTheAwardingBodyRule));
  it('does not nominate a member of another branch', () =>
    spec
      .given([])
      .when(submit({ nominee: { ...member, orgId: OTHER_VILLAGE }, nomineeOrgPath: [...ids(PATH_TO_TOWNSHIP).slice(0, 3), OTHER_VILLAGE] }))
      .thenRefuses(NomineeIsInTheNominatorsCareRule));
  it('does not nominate the same nominee twice in a programme and category', () =>
    spec
      .given([])
      .when(submit({ alreadyNominated: { streamId: 'nomination-01960000-0000-7000-8000-0000000000c9', version: 2 } }))
      .thenRefuses(NomineeIsNominatedOnceRule));
  it('refuses deeds that carry a phone number (they are published on the notice)', () =>
    spec
      .given([])
      .when(submit({ deeds: { ...deeds, record: '联系电话 139 1234 5678' } }))
      .thenRefuses(DeedsCarryNoPersonalNumbersRule));
  it.each([
    ['a zero-width space inside it', '联系电话1\u200b3800138000'],
    ['dots between its groups', '电话138.0013.8000'],
    ['Chinese numerals', '手机一三八〇〇一三八〇〇〇'],
  ])('refuses deeds or a name that would show a phone number on the notice, written with %s (version 2)', (_, text) => {
    spec
      .given([])
      .when(submit({ deeds: { ...deeds, summary: text } }))
      .thenRefuses(DeedsCarryNoPersonalNumbersRule);
    spec
      .given([])
      .when(submit({ nominee: { ...member, name: `王五${text}` } }))
      .thenRefuses(DeedsCarryNoPersonalNumbersRule);
  });
  it('records the deeds rule at version 4, and runs version 1, 2 or 3 when a replay names it', () => {
    spec
      .given([])
      .when(submit())
      .thenMatches((events) =>
        expect((events[1]!.data as { decision: { checks: { id: string; version: number }[] } }).decision.checks).toContainEqual({
          id: 'commendation.nomination.no-personal-numbers',
          version: 4,
        }),
      );
    // Version 3 read 张三一三八〇〇一三八〇〇〇 as one number (313800138000); version 4 reads it without the name's 三.
    spec
      .given([])
      .when(submit({ deeds: { ...deeds, summary: '户主张三一三八〇〇一三八〇〇〇' } }))
      .thenRefuses(DeedsCarryNoPersonalNumbersRule);
    spec
      .given([])
      .when(
        submit({
          deeds: { ...deeds, summary: '户主张三一三八〇〇一三八〇〇〇' },
          ruleVersions: { 'commendation.nomination.no-personal-numbers': 3 },
        }),
      )
      .thenMatches((events) => expect(events.map((e) => e.type)).toContain('commendation.NominationSubmitted'));
    // Version 2 read 张三13800138000 as one number (313800138000); version 3 ends a group where a numeral meets digits.
    spec
      .given([])
      .when(submit({ deeds: { ...deeds, summary: '联系人张三13800138000' } }))
      .thenRefuses(DeedsCarryNoPersonalNumbersRule);
    spec
      .given([])
      .when(
        submit({
          deeds: { ...deeds, summary: '联系人张三13800138000' },
          ruleVersions: { 'commendation.nomination.no-personal-numbers': 2 },
        }),
      )
      .thenMatches((events) => expect(events.map((e) => e.type)).toContain('commendation.NominationSubmitted'));
    // Version 1 read the stored text only: a decision it made is replayed by it, not refused by version 2.
    spec
      .given([])
      .when(
        submit({ deeds: { ...deeds, summary: '电话138.0013.8000' }, ruleVersions: { 'commendation.nomination.no-personal-numbers': 1 } }),
      )
      .thenMatches((events) => expect(events.map((e) => e.type)).toContain('commendation.NominationSubmitted'));
  });
});

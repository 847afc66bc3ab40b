import { ruleRef, type Decider } from '@vanguard/kernel';
import { CURRENT_ELIGIBILITY_POLICIES } from '../eligibility/eligibility';
import { pathInputs, recordedPath, recordedPaths } from '../decided-by';
import { RulesChecked } from '../rules-checked';
import type { AllocateQuota, LaunchAwardProgramme, ProgrammeCommand } from './programme.commands';
import type { ProgrammeEvent } from './programme.events';
import { programmeStreamId } from './programme.facts';
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
import { evolve, initialState, type ProgrammeState } from './programme.state';

export function launchAwardProgramme({ data }: LaunchAwardProgramme, state: ProgrammeState): ProgrammeEvent[] {
  const { awardingOrgLevel, decidedBy, reason, eligibilityPolicies, orgVersions, ...launched } = data;
  const policies = [...(eligibilityPolicies ?? CURRENT_ELIGIBILITY_POLICIES)].map(({ id, version }) => ({ id, version }));
  const rules = new RulesChecked();
  rules.check(new ProgrammeIsLaunchedOnceRule(state));
  const byAwardingBody = rules.check(new AwardingBodyActsForItsProgrammeRule(decidedBy, data.orgId));
  rules.check(new ProgrammeLevelIsTheAwardingBodysLevelRule(data.level, awardingOrgLevel));
  rules.check(new CategoriesFitTheLevelRule(data.level, data.categories));
  rules.check(new ProgrammeYearsAreDistinctRule(data.years));
  rules.check(new TimelineIsInOrderRule(data.level, data.timeline));
  rules.check(new EligibilityPoliciesAreKnownRule(policies));
  const rule = ruleRef(byAwardingBody);
  return [
    {
      type: 'commendation.AwardProgrammeLaunched',
      data: {
        ...launched,
        eligibilityPolicies: policies,
        decision: {
          decidedBy,
          inputs: pathInputs([data.orgId], orgVersions),
          rule,
          checks: rules.besides(rule),
          reason: reason ?? '',
          // The level the programme's level was checked against: audit has no tree to look it up in.
          orgPaths: [recordedPath('awarding-body', [{ orgId: data.orgId, level: awardingOrgLevel }])],
        },
      },
    },
  ];
}

export function allocateQuota({ data }: AllocateQuota, state: ProgrammeState): ProgrammeEvent[] {
  const rules = new RulesChecked();
  rules.check(new ProgrammeIsLaunchedRule(state));
  rules.check(new AwardingBodyActsForItsProgrammeRule(data.decidedBy, state.orgId));
  rules.check(new CategoryIsInTheProgrammeRule(state.categories, data.category));
  const rule = ruleRef(rules.check(new QuotaGoesToASubordinateUnitRule(state.orgId, data.unitOrgId, data.unitOrgPath)));
  rules.check(new PlacesAreACountRule(data.places));
  rules.check(new QuotaIsAllocatedBeforeNominationsCloseRule(state.timeline, data.today));
  return [
    {
      type: 'commendation.QuotaAllocated',
      data: {
        programmeId: state.programmeId!,
        unitOrgId: data.unitOrgId,
        category: data.category,
        places: data.places,
        allocatedOn: data.today,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: programmeStreamId(state.programmeId!), version: state.version },
            ...pathInputs(data.unitOrgPath, data.orgVersions),
          ],
          rule,
          checks: rules.besides(rule),
          reason: data.reason ?? '',
          orgPaths: recordedPaths(['unit', data.unitOrgPath]),
        },
      },
    },
  ];
}

export function decide(command: ProgrammeCommand, state: ProgrammeState): ProgrammeEvent[] {
  switch (command.type) {
    case 'LaunchAwardProgramme':
      return launchAwardProgramme(command, state);
    case 'AllocateQuota':
      return allocateQuota(command, state);
  }
}

/** 表彰: one programme of an awarding body, with its places per subordinate unit. */
export const programmeDecider: Decider<ProgrammeCommand, ProgrammeState, ProgrammeEvent> = { initialState, evolve, decide };

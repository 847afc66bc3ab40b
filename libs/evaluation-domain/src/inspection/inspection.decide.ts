import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs } from '../org-path';
import { DRAW_ALGORITHM, drawUnits, sortCandidates } from './draw';
import type { InspectionCommand, LaunchInspection } from './inspection.commands';
import type { InspectionEvent } from './inspection.events';
import {
  InspectedUnitsAreInTheScopeRule,
  InspectionGroupIsLedByAMemberRule,
  InspectionIsLaunchedByALeaderOverTheScopeRule,
  InspectionIsLaunchedOnceRule,
  RandomDrawHasEnoughCandidatesRule,
  RandomDrawScopeIsWithinItsLimitRule,
} from './inspection.rules';
import { evolve, initialState, type InspectionState } from './inspection.state';

export function launchInspection({ data }: LaunchInspection, state: InspectionState): InspectionEvent[] {
  checkRule(new InspectionIsLaunchedOnceRule(state));
  const right = new InspectionIsLaunchedByALeaderOverTheScopeRule(data.decidedBy, data.scopePath);
  checkRule(right);
  checkRule(new InspectionGroupIsLedByAMemberRule(data.group));
  const { selection } = data;
  let units: string[];
  let draw: Extract<InspectionEvent['data']['draw'], object> | null = null;
  let unitInputs: { streamId: string; version: number }[] = [];
  let check;
  if (selection.kind === 'special') {
    check = new InspectedUnitsAreInTheScopeRule(data.group.scopeOrgId, selection.unitPaths);
    checkRule(check);
    units = selection.unitPaths.map((p) => p[p.length - 1]!.orgId);
    unitInputs = selection.unitPaths.map((p) => ({
      streamId: `inspected:organization-${p[p.length - 1]!.orgId}`,
      version: p[p.length - 1]!.version,
    }));
  } else {
    checkRule(new RandomDrawScopeIsWithinItsLimitRule(selection.candidates.length));
    check = new RandomDrawHasEnoughCandidatesRule(selection.candidates.length, selection.count);
    checkRule(check);
    const candidates = sortCandidates(selection.candidates);
    units = drawUnits(selection.seed, candidates, selection.count);
    draw = { algorithm: DRAW_ALGORITHM, seed: selection.seed, candidates, count: selection.count };
  }
  return [
    {
      type: 'evaluation.InspectionLaunched',
      data: {
        inspectionId: data.inspectionId,
        kind: selection.kind,
        topic: data.topic,
        launchedOn: data.launchedOn,
        group: data.group,
        units,
        draw,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [...pathInputs(data.scopePath), ...unitInputs].slice(0, 100),
          rule: ruleRef(right),
          checks: [ruleRef(check)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function decide(command: InspectionCommand, state: InspectionState): InspectionEvent[] {
  switch (command.type) {
    case 'LaunchInspection':
      return launchInspection(command, state);
  }
}

/** 督导检查: one stream per inspection, its launch with the group, the units and, for a random one, the draw. */
export const inspectionDecider: Decider<InspectionCommand, InspectionState, InspectionEvent> = { initialState, evolve, decide };
